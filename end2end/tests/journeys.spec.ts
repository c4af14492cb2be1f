import { test, expect } from '@playwright/test';
import * as path from 'path';
import { activateAndLogin, expectAccessible, login, PASSWORD } from './helpers';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

test.describe.serial('foundation journeys', () => {
  test('an admin sets a password, switches language, imports the register and logs out', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await activateAndLogin(page, 'admin', 'beheer@e2e.test');
    await page.waitForSelector('body[data-hydrated="true"]');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

    await page.getByRole('link', { name: 'Institutions', exact: true }).first().click();
    await expect(page.getByRole('heading', { name: 'Institution register' })).toBeVisible();
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(fixture('komma.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('alert')).toContainText('Nothing was saved');
    await expect(page.getByRole('cell', { name: /Expected semicolon/ })).toBeVisible();
    await expectAccessible(page);

    await page.goto('/instellingen');
    await page.getByLabel('File (.csv or .xlsx)').setInputFiles(fixture('register.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('status')).toContainText('1 new and 0 updated institutions');

    await page.goto('/instellingen');
    await page.getByLabel('Search by name, municipality or code').fill('zadelmakers');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page).toHaveURL(/zoek=zadelmakers/);
    await expect(page.getByRole('cell', { name: 'Zadelmakerscollege Playwright' })).toBeVisible();
    await expect(page.getByRole('status').first()).toContainText('1 institutions');
    await expectAccessible(page);
    await page.getByRole('link', { name: '77XY' }).click();
    await expect(page.getByRole('heading', { name: /Zadelmakerscollege Playwright/ })).toBeVisible();
    await expectAccessible(page);

    await page.goto('/beheer/gebruikers');
    await expectAccessible(page);
    await page.goto('/beheer/audit');
    await expect(page.getByRole('cell', { name: 'institutions.import' }).first()).toBeVisible();
    await expectAccessible(page);
    await page.goto('/account');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/inloggen/);
    await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
    expect(errors).toEqual([]);
  });

  test('a coordinator sees the own institution and cannot open admin pages', async ({ page }) => {
    // A coordinator's pages are plain HTML and forms: the app's module is never downloaded.
    const appModule: string[] = [];
    page.on('request', (r) => { if (/\/pkg\/miv\.(js|wasm)$/.test(new URL(r.url()).pathname)) appModule.push(r.url()); });
    await activateAndLogin(page, 'coordinator', 'coord@e2e.test');
    await expect(page.getByRole('link', { name: /ROC Midden-Voorbeeld/ })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Gebruikers' })).toHaveCount(0);
    // The fact sheet: own figures beside the same type and national (the setup's JOB-monitor).
    await page.getByRole('link', { name: 'feitenblad' }).click();
    await expect(page.getByRole('heading', { name: /Feitenblad ROC Midden-Voorbeeld/ })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: 'Zelfde soort (ROC)' }).first()).toBeVisible();
    await expectAccessible(page);
    await page.goto('/');
    for (const adminPage of ['/beheer/gebruikers', '/beheer/audit', '/instellingen', '/instellingen/27GH']) {
      const response = await page.goto(adminPage);
      expect(response?.status(), adminPage).toBe(403);
      await expect(page.getByRole('alert')).toContainText('geen toegang');
    }
    const own = await page.goto('/instellingen/25PX');
    expect(own?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: /ROC Midden-Voorbeeld/ })).toBeVisible();

    // The account page without the app: a wrong current password comes back as an error, a
    // change is confirmed; then the password is set back for the journeys after this one.
    await page.goto('/account');
    await page.getByLabel('Huidig wachtwoord').fill('niet-het-goede-wachtwoord');
    await page.getByLabel('Nieuw wachtwoord (minstens 12 tekens)').fill('een-ander-e2e-wachtwoord');
    await page.getByLabel('Herhaal nieuw wachtwoord').fill('een-ander-e2e-wachtwoord');
    await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Het huidige wachtwoord klopt niet.' })).toBeVisible();
    await expectAccessible(page);
    for (const [from, to] of [[PASSWORD, 'een-ander-e2e-wachtwoord'], ['een-ander-e2e-wachtwoord', PASSWORD]]) {
      await page.getByLabel('Huidig wachtwoord').fill(from);
      await page.getByLabel('Nieuw wachtwoord (minstens 12 tekens)').fill(to);
      await page.getByLabel('Herhaal nieuw wachtwoord').fill(to);
      await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
      await expect(page).toHaveURL(/\/account\?wachtwoord=gewijzigd$/);
      await expect(page.getByRole('status').filter({ hasText: 'Uw wachtwoord is gewijzigd.' })).toBeVisible();
    }
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await expect(page).toHaveURL(/\/inloggen/);
    expect(appModule).toEqual([]);
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('an admin logs in, creates a user and sees the one-time link', async ({ page }) => {
      await login(page, 'beheer@e2e.test');
      await page.goto('/beheer/gebruikers');
      await page.getByLabel('E-mailadres', { exact: true }).fill('nieuw@e2e.test');
      await page.getByLabel('Naam', { exact: true }).fill('Nieuwe Onderzoeker');
      await page.getByLabel('Rol').selectOption('researcher');
      await page.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
      await expect(page.getByRole('status')).toContainText('nieuw@e2e.test');
      await expect(page.getByRole('textbox', { name: 'Eenmalige link' })).toHaveValue(/\/wachtwoord-instellen\?token=[0-9a-f]{64}$/);
      await expect(page.getByRole('cell', { name: 'nieuw@e2e.test', exact: true })).toBeVisible();
      await page.getByLabel('E-mailadres', { exact: true }).fill('nieuw@e2e.test');
      await page.getByLabel('Naam', { exact: true }).fill('Dubbel');
      await page.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
      await expect(page.getByRole('alert')).toContainText('Er bestaat al een account met dit e-mailadres.');
    });
  });
});
