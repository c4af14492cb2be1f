import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { expectAccessible, login } from './helpers';

// After the round (the survey journey's, in which Coördinator A of 25PX submitted): the admin
// closes it; Coördinator A, who only ever had a personal link, asks for a new one on the login
// page, and reads the submitted answers, the comparison and the fact sheet. An unknown address
// gets the same answer and no mail.

const mailDir = () => path.join(process.env.E2E_DATA_DIR!, 'mail');

/** The personal links in the personal-link mails (.eml files) written for `to`. */
function requestedLinks(to: string): string[] {
  if (!fs.existsSync(mailDir())) return [];
  const found: string[] = [];
  for (const name of fs.readdirSync(mailDir()).filter((n) => n.endsWith('.eml'))) {
    const raw = fs.readFileSync(path.join(mailDir(), name), 'utf8');
    if (!new RegExp(`^To: ${to}\\r?$`, 'mi').test(raw)) continue;
    const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    const bodies = [text, ...raw.split(/\r?\n\r?\n/).map((b) => Buffer.from(b.replace(/\s+/g, ''), 'base64').toString('utf8'))];
    if (!bodies.some((b) => b.includes('Hierbij uw persoonlijke link'))) continue;
    for (const b of bodies) {
      const m = b.match(/https?:\/\/[^\s"<>]+\/r\/[0-9a-f]{64}/);
      if (m) { found.push(new URL(m[0]).pathname); break; }
    }
  }
  return found;
}

test('a coordinator invites a colleague, who fills in a section', async ({ browser }) => {
  // Coördinator C (30RR) has only ever had a link: asks for a new one, then invites a colleague.
  const c = await (await browser.newContext()).newPage();
  await c.goto('/nieuwe-link');
  await c.getByLabel('E-mailadres').fill('survey-c@e2e.test');
  await c.getByRole('button', { name: 'Stuur mij een link' }).click();
  await expect.poll(() => requestedLinks('survey-c@e2e.test').length, { timeout: 15_000 }).toBe(1);
  await c.goto(requestedLinks('survey-c@e2e.test')[0]);
  await c.getByRole('button', { name: 'Open de vragenlijst' }).click();
  await c.goto('/instellingen/30RR');
  await expectAccessible(c);
  await c.getByLabel('Naam', { exact: true }).fill('Collega C');
  await c.getByLabel('E-mailadres').fill('collega-c@e2e.test');
  await c.getByRole('button', { name: 'Collega uitnodigen' }).click();
  await expect(c.getByRole('status')).toContainText('Uw collega is toegevoegd');
  await expect(c.getByText('collega-c@e2e.test')).toBeVisible();
  await expectAccessible(c);

  const colleague = await (await browser.newContext()).newPage();
  await expect.poll(() => requestedLinks('collega-c@e2e.test').length, { timeout: 15_000 }).toBe(1);
  await colleague.goto(requestedLinks('collega-c@e2e.test')[0]);
  await colleague.getByRole('button', { name: 'Open de vragenlijst' }).click();
  await expect(colleague).toHaveURL(/\/vragenlijst\/\d+/);
  await colleague.goto(colleague.url().replace(/\/vragenlijst\/(\d+).*$/, '/vragenlijst/$1/deel/wettelijk'));
  await colleague.locator('[data-item]:visible input[type=radio]').first().check();
  await colleague.getByRole('button', { name: 'Opslaan en verder' }).click();
  await expect(colleague).not.toHaveURL(/\/deel\/wettelijk$/);
  await expectAccessible(colleague);
});

test('a link-only coordinator asks for a link after the round closed and reads the results', async ({ page, browser }) => {
  await login(page, 'rondes@e2e.test');
  await page.goto('/beheer/rondes');
  await page.getByRole('link', { name: /^Monitor \d{4}$/ }).first().click();
  await page.getByRole('button', { name: 'Ronde nu sluiten' }).click();
  await expect(page.getByRole('button', { name: 'Ronde nu sluiten' })).toHaveCount(0);

  const coordinator = await (await browser.newContext()).newPage();
  await coordinator.goto('/inloggen');
  await coordinator.getByRole('link', { name: /Stuur mij een nieuwe link/ }).click();
  await expectAccessible(coordinator);
  for (const email of ['niemand@e2e.test', 'survey-a@e2e.test']) {
    await coordinator.getByLabel('E-mailadres').fill(email);
    await coordinator.getByRole('button', { name: 'Stuur mij een link' }).click();
    await expect(coordinator).toHaveURL(/\/nieuwe-link\?verstuurd=1$/);
    await expect(coordinator.getByRole('status')).toContainText('Als dit adres bij ons bekend is');
  }
  await expectAccessible(coordinator);
  await expect.poll(() => requestedLinks('survey-a@e2e.test').length, { timeout: 15_000 }).toBe(1);
  expect(requestedLinks('niemand@e2e.test')).toEqual([]);

  await coordinator.goto(requestedLinks('survey-a@e2e.test')[0]);
  await coordinator.getByRole('button', { name: 'Open de vragenlijst' }).click();
  await expect(coordinator).toHaveURL(/\/vragenlijst\/\d+$/);
  await expect(coordinator.getByText(/Ingediend op/)).toBeVisible();
  await expectAccessible(coordinator);
  await coordinator.getByRole('link', { name: 'Vergelijk met andere instellingen' }).click();
  await expect(coordinator.getByRole('heading', { name: 'Vergelijking met andere instellingen' })).toBeVisible();
  await expectAccessible(coordinator);
  await coordinator.goto('/');
  await expect(coordinator.getByRole('link', { name: 'Bekijk uw vergelijking' })).toBeVisible();
  await expectAccessible(coordinator);
  await coordinator.goto('/instellingen/25PX/feitenblad');
  await expect(coordinator.getByRole('heading', { name: /Feitenblad ROC Midden-Voorbeeld/ })).toBeVisible();
  await expectAccessible(coordinator);
});

test('staff who forgot their password get a link by e-mail', async ({ page }) => {
  await page.goto('/inloggen');
  await page.getByRole('link', { name: 'Wachtwoord vergeten' }).click();
  await page.getByLabel('E-mailadres').fill('onderzoek@e2e.test');
  await page.getByRole('button', { name: 'Stuur mij een link' }).click();
  await expect(page.getByRole('status')).toContainText('Als dit adres bij ons bekend is');
  await expectAccessible(page);
});
