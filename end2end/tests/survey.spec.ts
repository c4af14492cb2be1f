import { expect, Page } from '@playwright/test';
import { test } from '@playwright/test';
import { activateAndLogin, expectAccessible, openPersonalLink } from './helpers';

// A round from the admin's side to the coordinator's: personal links, answering with the rules of
// the questionnaire running in the browser, saving as you go, reloading, submitting, the read-only
// copy and the comparison; and a whole questionnaire completed with the keyboard only.

const item = (page: Page, key: string) => page.locator(`[data-item="${key}"]`);

async function saved(page: Page) {
  await expect(page.locator('[data-save-status]')).toHaveAttribute('data-state', 'saved');
}

/** Answers every visible required choice question of the page with `choice` (or the first option). */
async function answerRequired(page: Page, choice: string) {
  const items = page.locator('[data-item]:visible');
  for (let i = 0; i < (await items.count()); i++) {
    const it = items.nth(i);
    const legend = it.locator('legend');
    if ((await legend.count()) === 0 || !(await legend.innerText()).trim().endsWith('*')) continue;
    if ((await it.locator('input[type=radio]:checked').count()) > 0) continue;
    const preferred = it.getByLabel(choice, { exact: true });
    await ((await preferred.count()) > 0 ? preferred : it.locator('input[type=radio]').first()).check();
  }
}

test.describe.serial('a round', () => {
  const links: Record<string, string> = {};

  test('an admin opens a round and makes a personal link for each coordinator', async ({ page }) => {
    await activateAndLogin(page, 'rounds', 'rondes@e2e.test');
    await page.goto('/beheer/rondes');
    await expect(page.getByText('Er zijn nog geen rondes.')).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel('Vragenlijst (gepubliceerde versie)').selectOption({ label: 'Vragenlijst veiligheidscoördinatoren — versie 1' });
    await page.getByLabel('Deelnemende instellingen').fill('25PX, XXXX');
    await page.getByRole('button', { name: 'Ronde openen' }).click();
    await expect(page.getByRole('alert')).toContainText('Onbekende instellingscodes: XXXX');
    await page.getByLabel('Vragenlijst (gepubliceerde versie)').selectOption({ label: 'Vragenlijst veiligheidscoördinatoren — versie 1' });
    await page.getByLabel('Deelnemende instellingen').fill('25PX, 27GH, 30RR');
    await page.getByRole('button', { name: 'Ronde openen' }).click();
    await expect(page).toHaveURL(/\/beheer\/rondes\/\d+$/);
    await expect(page.getByRole('cell', { name: /ROC Midden-Voorbeeld/ })).toBeVisible();
    await expectAccessible(page);
    for (const [who, name] of [['a', 'Coördinator A'], ['b', 'Coördinator B'], ['c', 'Coördinator C']]) {
      await page.getByRole('button', { name: `Nieuwe link voor ${name}` }).click();
      // The field still shows the previous coordinator's link until the answer is in: wait for
      // the confirmation that names this coordinator before reading it.
      await expect(page.getByRole('status').filter({ hasText: 'Persoonlijke link voor' })).toContainText(`survey-${who}@e2e.test`);
      const field = page.getByLabel('Persoonlijke link');
      await expect(field).toHaveValue(/\/r\/[0-9a-f]{64}$/);
      links[who] = new URL(await field.inputValue()).pathname;
    }
    expect(new Set(Object.values(links)).size).toBe(3);
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('a coordinator fills in a section as a plain form and the server applies the logic', async ({ page }) => {
      await openPersonalLink(page, links.c);
      await page.getByRole('link', { name: 'Verder invullen' }).click();
      await expect(page).toHaveURL(/\/deel\/beleid$/);
      await expect(item(page, 'plan_datum')).toBeHidden();
      await item(page, 'integraal_plan').getByLabel('Ja', { exact: true }).check();
      await item(page, 'coordinator_uren').locator('input[name^="a:"]').fill('40');
      await page.getByRole('button', { name: 'Opslaan en verder' }).click();
      await expect(page).toHaveURL(/\/deel\/wettelijk$/);
      await page.getByRole('button', { name: 'Vorige' }).click();
      await expect(page).toHaveURL(/\/deel\/beleid$/);
      await expect(item(page, 'integraal_plan').getByLabel('Ja', { exact: true })).toBeChecked();
      await expect(item(page, 'coordinator_uren').locator('input[name^="a:"]')).toHaveValue('40');
      await expect(item(page, 'plan_datum')).toBeVisible();
      await item(page, 'plan_datum').locator('input[name^="a:"]').fill('2099-01-01');
      await page.getByRole('button', { name: 'Opslaan en verder' }).click();
      await page.goto(page.url().replace(/\/deel\/.*$/, '/controle'));
      await expect(page.getByRole('link', { name: /Wanneer is het plan/ })).toBeVisible();
      await expect(page.getByText('De datum ligt in de toekomst.')).toBeVisible();
    });
  });

  test('a coordinator opens the link, answers, reloads, submits and compares', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openPersonalLink(page, links.a);
    await expect(page).toHaveURL(/\/vragenlijst\/\d+$/);
    await expect(page.getByText('0 van')).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Verder invullen' }).click();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expectAccessible(page);

    await expect(item(page, 'plan_datum')).toBeHidden();
    await item(page, 'integraal_plan').getByLabel('Ja', { exact: true }).check();
    await expect(item(page, 'plan_datum')).toBeVisible();
    await saved(page);
    await item(page, 'plan_datum').locator('input[name^="a:"]').fill('2099-01-01');
    await expect(item(page, 'plan_datum').getByRole('alert')).toHaveText('De datum ligt in de toekomst.');
    await item(page, 'plan_datum').locator('input[name^="a:"]').fill('2025-06-01');
    await expect(item(page, 'plan_datum').getByRole('alert')).toHaveCount(0);
    await item(page, 'coordinator_uren').locator('input[name^="a:"]').fill('3000');
    await expect(item(page, 'coordinator_uren').getByRole('alert')).toContainText('tussen 0 en 2.000');
    await item(page, 'coordinator_uren').locator('input[name^="a:"]').fill('120');
    await expect(item(page, 'coordinator_uren').getByRole('alert')).toHaveCount(0);
    await saved(page);
    await expectAccessible(page);

    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expect(item(page, 'integraal_plan').getByLabel('Ja', { exact: true })).toBeChecked();
    await expect(item(page, 'plan_datum').locator('input[name^="a:"]')).toHaveValue('2025-06-01');
    await expect(item(page, 'coordinator_uren').locator('input[name^="a:"]')).toHaveValue('120');
    await item(page, 'integraal_plan').getByLabel('Nee', { exact: true }).check();
    await expect(item(page, 'plan_datum')).toBeHidden();
    await saved(page);

    for (let page_no = 0; page_no < 20 && !page.url().endsWith('/controle'); page_no++) {
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
      await answerRequired(page, 'Nee');
      await page.getByRole('button', { name: 'Opslaan en verder' }).click();
      await page.waitForLoadState();
    }
    await expect(page.getByRole('heading', { name: 'Controleren en indienen' })).toBeVisible();
    await expect(page.getByText('Verplichte vragen zonder antwoord')).toHaveCount(0);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Vragenlijst indienen' }).click();
    await expect(page).toHaveURL(/\/vragenlijst\/\d+$/);
    await expect(page.getByText(/Ingediend op/)).toBeVisible();
    await expect(page.getByRole('row', { name: /Hoeveel uur per jaar/ })).toContainText('120');
    await expect(page.getByRole('row', { name: /Wanneer is het plan/ })).toHaveCount(0);
    await expectAccessible(page);

    const overview = page.url();
    await page.goto(`${overview}/deel/beleid`);
    await expect(item(page, 'coordinator_uren').locator('input[name^="a:"]')).toBeDisabled();
    await page.goto(overview);
    await page.getByRole('link', { name: 'Vergelijk met andere instellingen' }).click();
    await expect(page.getByRole('heading', { name: 'Vergelijking met andere instellingen' })).toBeVisible();
    await expect(page.getByRole('row', { name: /integraal veiligheidsplan/ })).toContainText('Nee: 100% (1)');
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  test('another coordinator completes the whole questionnaire with the keyboard only', async ({ page }) => {
    await openPersonalLink(page, links.b);
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement as HTMLInputElement | null;
        const group = a?.type === 'radio' ? document.querySelectorAll(`input[name="${a.name}"]:checked`).length : 0;
        const legend = a?.closest('fieldset')?.querySelector('legend')?.textContent?.trim() ?? '';
        return { tag: a?.tagName ?? '', type: a?.type ?? '', text: a?.textContent?.trim() ?? '', answered: group > 0, required: legend.endsWith('*') };
      });
    async function tabTo(text: string) {
      for (let i = 0; i < 300; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if ((f.tag === 'BUTTON' || f.tag === 'A') && f.text === text) return;
      }
      throw new Error(`no "${text}" reachable with Tab`);
    }
    await tabTo('Verder invullen');
    await page.keyboard.press('Enter');
    for (let page_no = 0; page_no < 20; page_no++) {
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
      if (page.url().endsWith('/controle')) break;
      let done = false;
      for (let i = 0; i < 300 && !done; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (f.type === 'radio' && f.required && !f.answered) await page.keyboard.press('Space');
        if (f.tag === 'BUTTON' && f.text === 'Opslaan en verder') {
          await page.keyboard.press('Enter');
          done = true;
        }
      }
      expect(done, 'the page can be left with the keyboard').toBe(true);
      await page.waitForLoadState();
    }
    await expect(page.getByRole('heading', { name: 'Controleren en indienen' })).toBeVisible();
    await tabTo('Vragenlijst indienen');
    await page.keyboard.press('Enter');
    await expect(page.getByText(/Ingediend op/)).toBeVisible();
  });
});
