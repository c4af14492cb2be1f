import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import { activateAndLogin, expectAccessible, login } from './helpers';

// global-setup imported server/demo/job-demo.csv as the source "JOB-monitor" (2024 and 2025).
test('a researcher opens a report, switches the breakdown and sees the chart', async ({ page }) => {
  await activateAndLogin(page, 'researcher', 'onderzoek@e2e.test');
  await page.getByRole('link', { name: 'Analyse' }).click();
  await expect(page.getByRole('heading', { name: 'Analyse' })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');

  await page.getByLabel('Bron').selectOption({ label: 'JOB-monitor (2025, 2024)' });
  await page.getByLabel('Indicator').selectOption({ label: 'Gepest' });
  await page.getByLabel('Uitgesplitst naar').selectOption({ label: 'Geslacht' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await expect(page).toHaveURL(/indeling=gender/);
  await expect(page.getByRole('img', { name: 'Aandeel per groep, 2025' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'vrouw' }).first()).toBeVisible();
  // In 2024 "anders" has fewer than 10 respondents: not shown (nor the cell it could be derived from).
  const anders = page.getByRole('row').filter({ hasText: 'anders' }).first();
  await expect(anders).toContainText('niet getoond');
  await expectAccessible(page);

  await page.getByLabel('Uitgesplitst naar').selectOption({ label: 'Leerweg' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await expect(page).toHaveURL(/indeling=path/);
  await expect(page.getByRole('cell', { name: 'BBL' }).first()).toBeVisible();
  await expect(page.getByRole('img', { name: 'Aandeel per groep, 2025' })).toBeVisible();
});

// Runs after the test above (one worker, in order): the researcher's password is set.
test('a researcher imports a source through the browser, maps its columns and downloads the workbook', async ({ page }) => {
  await login(page, 'onderzoek@e2e.test');
  await page.goto('/analyse');
  await page.getByRole('link', { name: 'Bronnen en imports' }).click();
  await expect(page.getByRole('heading', { name: 'Bronnen', exact: true })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Naam').fill('JOB-monitor 2026');
  await page.getByRole('button', { name: 'Bron aanmaken' }).click();
  await expect(page.getByText('De bron is aangemaakt')).toBeVisible();
  await page.getByRole('link', { name: 'JOB-monitor 2026' }).click();
  await expect(page.getByRole('heading', { name: 'JOB-monitor 2026' })).toBeVisible();
  await expectAccessible(page);

  // Dutch column names for gender and age; "X" is not an allowed value of gender.
  await page.getByLabel('Bestand (.csv of .xlsx)').setInputFiles('fixtures/job-2026.csv');
  await page.getByRole('button', { name: 'Uploaden' }).click();
  await expect(page.getByRole('heading', { name: 'Koppeling van kolommen aan variabelen' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('gender (verplicht)').selectOption('Geslacht');
  await page.getByLabel('age_band (verplicht)').selectOption('Leeftijd');
  await page.getByRole('button', { name: 'Importeren' }).click();
  // Refused: "X" is no gender; nothing stored, the form is shown again with the problems.
  await expect(page.getByRole('alert')).toContainText('Het bestand is geweigerd');
  await expect(page.getByRole('cell', { name: /‘X’ is geen toegestane waarde/ }).first()).toBeVisible();
  await page.getByLabel('Hercodering van gender').fill('X = anders');
  await page.getByRole('button', { name: 'Importeren' }).click();
  await expect(page.getByRole('status')).toContainText('Het bestand is geïmporteerd');
  await expect(page.getByText('2026: 240 rijen, nieuwe momentopname')).toBeVisible();

  await page.getByRole('link', { name: 'Cijfers bekijken' }).click();
  await expect(page).toHaveURL(/bron=\d+/);
  await page.getByLabel('Uitgesplitst naar').selectOption({ label: 'Geslacht' });
  await page.getByRole('button', { name: 'Tonen' }).click();
  await expect(page.getByRole('img', { name: 'Aandeel per groep, 2026' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'anders' }).first()).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Excel (met codeboek)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^bron-\d+-cijfers\.xlsx$/);
  const bytes = fs.readFileSync(await file.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');

  // A corrected delivery for 2026 (ten rows fewer): first the changes, then the replacement
  // with a reason; the earlier snapshot stays listed and can be brought back.
  await page.goto('/analyse/bronnen');
  await page.getByRole('link', { name: 'JOB-monitor 2026' }).click();
  await page.getByLabel('Bestand (.csv of .xlsx)').setInputFiles('fixtures/job-2026-gecorrigeerd.csv');
  await page.getByRole('button', { name: 'Uploaden' }).click();
  await page.getByRole('button', { name: 'Importeren' }).click();
  await expect(page.getByRole('alert')).toContainText('Dit bestand corrigeert jaren');
  await expect(page.getByText(/2026: vervangt momentopname/)).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel(/Reden van de vervanging/).fill('gecorrigeerde levering');
  await page.getByRole('button', { name: 'Vervangen' }).click();
  await expect(page.getByRole('status')).toContainText('Het bestand is geïmporteerd');
  await expect(page.getByText('2026: 230 rijen, nieuwe momentopname')).toBeVisible();
  await page.getByRole('link', { name: 'Terug naar de bron' }).click();
  await expect(page.getByRole('cell', { name: /gecorrigeerde levering/ }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: /^vervangen/ })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');
  await expectAccessible(page);
  const earlier = page.getByRole('row').filter({ hasText: 'vervangen (#' });
  await earlier.getByLabel('Reden').fill('toch de eerste levering');
  await earlier.getByRole('button', { name: /Terugzetten/ }).click();
  await expect(page.getByText('De momentopname is weer in gebruik')).toBeVisible();
});

// A personal API token: made on the account page, shown once, used by a script, revoked.
test('a researcher makes an API token, a script uses it, and after revoking it is refused', async ({ page }) => {
  await login(page, 'onderzoek@e2e.test');
  await page.goto('/account');
  await page.getByRole('link', { name: 'API-sleutels beheren' }).click();
  await expect(page.getByRole('heading', { name: 'API-sleutels' })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Naam (waarvoor gebruikt u hem?)').fill('R-script monitor');
  await page.getByLabel('Geldig (dagen, 1 tot 365)').fill('30');
  await page.getByRole('button', { name: 'Sleutel maken' }).click();
  const shown = page.getByLabel('Nieuwe API-sleutel');
  await expect(shown).toHaveValue(/^miv_[0-9a-f]{64}$/);
  const token = await shown.inputValue();
  await expectAccessible(page);

  const api = await page.context().request;
  const me = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).role).toBe('researcher');

  await page.reload();
  await expect(page.getByRole('cell', { name: 'R-script monitor', exact: true })).toBeVisible();
  await expect(page.getByLabel('Nieuwe API-sleutel')).toHaveCount(0);
  await page.getByRole('button', { name: 'Trek in: R-script monitor' }).click();
  await expect(page.getByRole('cell', { name: /ingetrokken/ })).toBeVisible();
  const refused = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
