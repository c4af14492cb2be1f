import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { activateAndLogin, expectAccessible, openPersonalLink } from './helpers';

// Invitations by e-mail, from the admin's side to the coordinator's: importing contacts (a bad
// file first), opening a round, sending the invitations, opening the personal link from the mail
// as it was delivered, answering a question, and the admin seeing the status change to started.

const mailDir = () => path.join(process.env.E2E_DATA_DIR!, 'mail');

/** The personal link in the .eml file written for `to` (quoted-printable or base64 bodies). */
function linkInMailTo(to: string): string | undefined {
  if (!fs.existsSync(mailDir())) return undefined;
  const pattern = /https?:\/\/[^\s"<>]+\/r\/[0-9a-f]{64}/;
  for (const name of fs.readdirSync(mailDir()).filter((n) => n.endsWith('.eml'))) {
    const raw = fs.readFileSync(path.join(mailDir(), name), 'utf8');
    if (!new RegExp(`^To: ${to}\\r?$`, 'mi').test(raw)) continue;
    const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    const direct = qp.match(pattern);
    if (direct) return direct[0];
    for (const block of raw.split(/\r?\n\r?\n/)) {
      const decoded = Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('utf8').match(pattern);
      if (decoded) return decoded[0];
    }
  }
  return undefined;
}

async function upload(page: Page, name: string, text: string) {
  await page.getByLabel('Bestand (.csv of .xlsx)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  await page.getByRole('button', { name: 'Importeren' }).click();
}

test('an admin imports contacts, invites them, and sees a coordinator start', async ({ page, browser }) => {
  await activateAndLogin(page, 'mail', 'mail@e2e.test');
  await page.goto('/beheer/gebruikers');
  await upload(page, 'contacten.csv', 'instellingscode;naam;e-mail;taal\n21KL;Mail Contact;mail-contact@roc;nl\n99ZZ;Onbekend;x@roc.test;nl\n');
  await expect(page.getByRole('alert')).toContainText('is geweigerd: 2 problemen. Er is niets opgeslagen.');
  await expect(page.getByRole('row', { name: /mail-contact@roc/ })).toContainText('geen geldig e-mailadres');
  await expect(page.getByRole('row', { name: /99ZZ/ })).toContainText('staat niet in het instellingenregister');
  await expectAccessible(page);
  await page.goto('/beheer/gebruikers');
  await upload(page, 'contacten.csv', 'instellingscode;naam;e-mail;taal\n21KL;Mail Contact;mail-contact@roc.test;nl\n12AB;Mail Contact EN;mail-en@roc.test;en\n');
  await expect(page.getByRole('status')).toContainText('2 nieuwe en 0 bijgewerkte contactpersonen');

  await page.goto('/beheer/rondes');
  await page.getByLabel('Vragenlijst (gepubliceerde versie)').selectOption({ label: 'Vragenlijst veiligheidscoördinatoren — versie 1' });
  await page.getByLabel('Naam').fill('Monitor mail 2026');
  await page.getByLabel('Deelnemende instellingen').fill('21KL, 12AB');
  await page.getByRole('button', { name: 'Ronde openen' }).click();
  await expect(page).toHaveURL(/\/beheer\/rondes\/\d+$/);
  await page.getByRole('link', { name: 'Uitnodigingen en herinneringen per e-mail' }).click();
  await expect(page.getByRole('heading', { name: 'Uitnodigingen en herinneringen' })).toBeVisible();
  await expectAccessible(page);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByRole('button', { name: 'Uitnodiging sturen aan wie er nog geen kreeg (2)' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'in de wachtrij' })).toBeVisible();
  await expect(page.getByText(/Laatste verzending: \d van 2 afgehandeld/)).toBeVisible();
  const invitations = page.url();

  let link: string | undefined;
  await expect.poll(() => (link = linkInMailTo('mail-contact@roc.test')), { timeout: 20_000 }).toBeTruthy();
  const coordinator = await (await browser.newContext()).newPage();
  // Opening the link shows a button; only pressing it (a POST) starts the session.
  await coordinator.goto(new URL(link!).pathname);
  await expectAccessible(coordinator);
  await openPersonalLink(coordinator, new URL(link!).pathname);
  await expect(coordinator).toHaveURL(/\/vragenlijst\/\d+$/);
  await coordinator.getByRole('link', { name: 'Verder invullen' }).click();
  await expect(coordinator.locator('body')).toHaveAttribute('data-ready', 'true');
  await coordinator.locator('[data-item="integraal_plan"]').getByLabel('Ja', { exact: true }).check();
  await expect(coordinator.locator('[data-save-status]')).toHaveAttribute('data-state', 'saved');

  await page.goto(invitations);
  await expect(page.getByRole('row', { name: /mail-contact@roc\.test/ })).toContainText('Begonnen');
  await expect(page.getByRole('row', { name: /mail-en@roc\.test/ })).toContainText('Verstuurd');
  await expect(page.getByText(/Laatste verzending: 2 van 2 afgehandeld/)).toBeVisible();
  await page.getByLabel('Toon').selectOption({ label: 'Begonnen' });
  await page.getByRole('button', { name: 'Filteren' }).click();
  await expect(page.getByRole('row', { name: /mail-en@roc\.test/ })).toHaveCount(0);
  await expect(page.getByRole('row', { name: /mail-contact@roc\.test/ })).toBeVisible();
  await expectAccessible(page);

  await page.goto('/beheer/mail');
  await expect(page.getByRole('heading', { name: 'Uitnodiging — Nederlands' })).toBeVisible();
  await expectAccessible(page);
});
