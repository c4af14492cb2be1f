import { expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export const PASSWORD = 'een-lang-e2e-wachtwoord';

export type Who = 'admin' | 'coordinator' | 'rounds' | 'mail' | 'researcher';

export function link(who: Who): string {
  const links = JSON.parse(fs.readFileSync(path.join(process.env.E2E_DATA_DIR!, 'links.json'), 'utf8'));
  return links[who];
}

/** Opens a personal link: its page changes nothing until its one button (a plain form's POST,
 *  pressed here with the keyboard) opens the questionnaire. */
export async function openPersonalLink(page: Page, pathname: string) {
  await page.goto(pathname);
  await page.getByRole('button', { name: 'Open de vragenlijst' }).press('Enter');
  await expect(page).toHaveURL(/\/vragenlijst\/\d+/);
}

/** Sets the password through the one-time link (first use only), then logs in. */
export async function activateAndLogin(page: Page, who: Who, email: string) {
  const url = new URL(link(who));
  await page.goto(url.pathname + url.search);
  await page.getByLabel('Nieuw wachtwoord').fill(PASSWORD);
  await page.getByLabel('Herhaal wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Wachtwoord opslaan' }).click();
  await expect(page).toHaveURL(/\/inloggen/);
  await login(page, email);
}

export async function login(page: Page, email: string) {
  if (!page.url().includes('/inloggen')) await page.goto('/inloggen');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
}


/** Fails on any WCAG 2.1 A/AA violation that axe-core finds on the current page. */
export async function expectAccessible(page: Page) {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}
