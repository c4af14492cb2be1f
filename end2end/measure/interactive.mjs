// Time until a survey page is interactive, on loopback: loads the page in Chromium with the
// session cookie and reports when the survey module has marked the page ready (median of 5 loads).
// Usage: node interactive.mjs <url> <session cookie value>
import { chromium } from '@playwright/test';

const [url, cookie] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'],
});
const times = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'miv_session', value: cookie, url }]);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  times.push(await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { ready: performance.now(), dcl: nav.domContentLoadedEventEnd };
  }));
  await context.close();
}
await browser.close();
times.sort((a, b) => a.ready - b.ready);
const mid = times[2];
console.log(`survey page interactive after ${mid.ready.toFixed(0)} ms (HTML parsed after ${mid.dcl.toFixed(0)} ms), median of 5 loads`);
