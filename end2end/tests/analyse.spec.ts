import { test, expect } from '@playwright/test';
import { activateAndLogin, expectAccessible } from './helpers';

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
