// What a first visit of each page transfers, and when it is interactive, on loopback.
// Usage: node pages.mjs <base url> <file with lines "label<TAB>path<TAB>session cookie or ->">
// Each page is opened 5 times in a fresh browser context (empty cache) with its session cookie.
// Bytes: every response the page loaded (the HTML, CSS, JS, WASM), fetched again with
// `Accept-Encoding: br` and counted as sent (what a browser over HTTPS receives). Interactive: the
// moment the page's script marked it ready (survey module: data-ready, app: data-hydrated), or,
// for a page without script, when its HTML was parsed (its forms work from then on). Median of 5.
import { chromium } from '@playwright/test';
import * as fs from 'fs';
import * as http from 'http';

const [base, listFile] = process.argv.slice(2);
const pages = fs.readFileSync(listFile, 'utf8').trim().split('\n').map((l) => l.split('\t'));

function brotliBytes(url, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { 'accept-encoding': 'br' };
    if (cookie !== '-') headers.cookie = `miv_session=${cookie}`;
    http.get(url, { headers }, (res) => {
      let n = 0;
      res.on('data', (chunk) => { n += chunk.length; });
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = false;
for (const [label, path, cookie] of pages) {
  const url = base + path;
  const times = [];
  let urls = [];
  let script = 'none';
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    if (cookie !== '-') await context.addCookies([{ name: 'miv_session', value: cookie, url: base }]);
    const page = await context.newPage();
    const loaded = [];
    page.on('requestfinished', (r) => loaded.push(r.url()));
    const response = await page.goto(url);
    if (!response || response.status() !== 200) {
      console.log(`${label} (${path}): status ${response?.status()}`);
      failed = true;
      await context.close();
      break;
    }
    const html = await page.content();
    if (html.includes('/pkg/survey.js')) script = 'survey';
    else if (html.includes('/pkg/miv.js')) script = 'app';
    if (script === 'survey') await page.waitForSelector('body[data-ready="true"]');
    if (script === 'app') await page.waitForSelector('body[data-hydrated="true"]');
    // Let late requests (a preloaded WASM, say) finish before counting.
    await page.waitForLoadState('networkidle');
    times.push(await page.evaluate((s) => {
      const nav = performance.getEntriesByType('navigation')[0];
      return s === 'none' ? nav.domContentLoadedEventEnd : performance.now();
    }, script));
    urls = [...new Set(loaded)];
    await context.close();
  }
  if (times.length < 5) continue;
  let total = 0;
  const parts = [];
  for (const u of urls) {
    const n = await brotliBytes(u, cookie);
    total += n;
    parts.push(`${new URL(u).pathname.replace(/^.*\//, '') || '/'} ${n}`);
  }
  times.sort((a, b) => a - b);
  console.log(`${label} (${path}): ${total} bytes brotli, script: ${script}, interactive after ${times[2].toFixed(0)} ms [${parts.join(', ')}]`);
}
await browser.close();
if (failed) process.exit(1);
