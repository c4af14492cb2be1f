import { test, expect } from '@playwright/test';
import * as path from 'path';
import { expectAccessible, login } from './helpers';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

// Runs after journeys.spec.ts (files run in name order with one worker), which set the admin's password.
test('a researcher uploads a version, previews its logic, publishes it, edits a new draft and compares', async ({ page }) => {
  await login(page, 'beheer@e2e.test');
  await page.goto('/vragenlijsten');
  await page.waitForSelector('body[data-hydrated="true"]');

  await page.getByLabel('Bestand (.json of XLSForm .xlsx/.xls)').setInputFiles(fixture('vragenlijst-fout.json'));
  await page.getByRole('button', { name: 'Uploaden' }).click();
  await expect(page.getByRole('alert')).toContainText('Er is niets opgeslagen');
  await expect(page.getByRole('cell', { name: /Onbekende vraag \$\{bestaat_niet\}/ })).toBeVisible();

  await page.goto('/vragenlijsten');
  await page.getByLabel('Bestand (.json of XLSForm .xlsx/.xls)').setInputFiles(fixture('vragenlijst-v1.json'));
  await page.getByRole('button', { name: 'Uploaden' }).click();
  await expect(page.getByRole('heading', { name: 'E2E-vragenlijst — versie 1' })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');

  const year = page.getByLabel('In welk jaar is het plan vastgesteld?');
  await expect(year).toBeHidden();
  await page.getByRole('radio', { name: 'Ja' }).check();
  await expect(year).toBeVisible();
  await year.fill('1999');
  await expect(page.getByText('Vul een jaar tussen 2000 en 2030 in.')).toBeVisible();
  await year.fill('2024');
  await expect(page.getByText('Vul een jaar tussen 2000 en 2030 in.')).toBeHidden();
  await page.getByRole('radio', { name: 'Nee' }).check();
  await expect(year).toBeHidden();
  await expectAccessible(page);

  await page.getByLabel('Wat is er veranderd?').fill('Eerste versie voor de test');
  await page.getByRole('button', { name: 'Publiceren' }).click();
  await expect(page.getByText('Gepubliceerd', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Nieuwe conceptversie op basis hiervan' }).click();
  await expect(page.getByRole('heading', { name: 'E2E-vragenlijst — versie 2' })).toBeVisible();
  await page.getByLabel('Onderdeel', { exact: true }).selectOption('beleid');
  await page.getByLabel('Sleutel (blijft gelijk over de jaren)').fill('plan_evaluatie');
  await page.getByLabel('Vraagtype').selectOption('yes_no_dont_know');
  await page.getByLabel('Vraag (Nederlands)').last().fill('Is het plan het afgelopen jaar geëvalueerd?');
  const condition = page.getByLabel("Alleen tonen als (voorwaarde, bv. ${vraag} = 'ja')");
  await condition.fill('${heeft_pln} = ');
  await expect(page.getByText('De expressie houdt te vroeg op (positie 16)')).toBeVisible();
  await condition.fill("${heeft_pln} = 'ja'");
  await expect(page.getByText('Onbekende vraag ${heeft_pln} (positie 1–12)')).toBeVisible();
  await condition.fill("${heeft_plan} = 'ja'");
  await expect(page.getByText(/Onbekende vraag/)).toBeHidden();
  await page.getByRole('button', { name: 'Vraag toevoegen' }).click();
  await expect(page.getByText('plan_evaluatie · yes_no_dont_know')).toBeVisible();

  const planYear = page.locator('details', { hasText: 'Wijzig plan_jaar' });
  await planYear.getByText('Wijzig plan_jaar').click();
  await planYear.getByLabel('Nieuwe sleutel (verwijzingen en concordantie volgen)').fill('plan_vastgesteld');
  await planYear.getByRole('button', { name: 'Hernoemen' }).click();
  await expect(page.getByRole('heading', { name: 'Concordantie met de vorige versie' })).toBeVisible();
  await expect(page.getByText('plan_jaar → plan_vastgesteld')).toBeVisible();

  const evaluated = page.getByRole('group', { name: 'Is het plan het afgelopen jaar geëvalueerd?' });
  await expect(evaluated).toBeHidden();
  await page.getByRole('radio', { name: 'Ja' }).first().check();
  await expect(evaluated).toBeVisible();
  await page.getByRole('radio', { name: 'Nee' }).first().check();
  await expect(evaluated).toBeHidden();

  await page.getByLabel('Wat is er veranderd?').fill('Vraag over evaluatie toegevoegd');
  await page.getByRole('button', { name: 'Publiceren' }).click();
  await expect(page.getByText('Gepubliceerd', { exact: true })).toBeVisible();
  await page.getByLabel('Vergelijk met versie').selectOption({ label: '1 (Gepubliceerd)' });
  await page.getByRole('button', { name: 'Toon verschillen' }).click();
  await expect(page.getByRole('heading', { name: 'Verschillen tussen versies' })).toBeVisible();
  await expect(page.getByRole('listitem')).toContainText([
    'plan_vastgesteld: hernoemd (was plan_jaar); vergelijk via de concordantie',
    'plan_evaluatie: nieuw; geen vergelijking met eerdere jaren',
  ]);
  await expectAccessible(page);
});

// The logic XLSForms bring, in the browser: a calculation worked out as the researcher types and
// used by a later question, options offered under a condition, a drop-down and a default; and a
// text without Dutch that keeps the version from being published.
test('the preview works out calculations, offers options under their conditions and publishing waits for Dutch', async ({ page }) => {
  await login(page, 'beheer@e2e.test');
  await page.goto('/vragenlijsten');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Bestand (.json of XLSForm .xlsx/.xls)').setInputFiles(fixture('vragenlijst-logica.json'));
  await page.getByRole('button', { name: 'Uploaden' }).click();
  await expect(page.getByRole('heading', { name: 'E2E-logica — versie 1' })).toBeVisible();
  await page.waitForSelector('body[data-hydrated="true"]');

  await expect(page.getByText('1 tekst heeft nog geen Nederlandse vertaling.')).toBeVisible();
  await expect(page.getByText('telling/town.options.elders')).toBeVisible();

  const preview = page.locator('form.preview');
  await expect(preview.getByLabel('Aantal studenten')).toHaveValue('100');
  const ratio = preview.locator('[data-calculated="ratio"] output');
  await expect(ratio).toHaveText('—');
  const why = preview.getByLabel('Waarom zoveel studenten per medewerker?');
  await preview.getByLabel('Aantal medewerkers').fill('8');
  await expect(ratio).toHaveText('12.5');
  await expect(preview.getByText('Verhouding: 12.5 studenten per medewerker.')).toBeVisible();
  await expect(why).toBeVisible();
  await preview.getByLabel('Aantal medewerkers').fill('20');
  await expect(ratio).toHaveText('5');
  await expect(why).toBeHidden();

  const town = preview.getByLabel('Gemeente');
  const amersfoort = town.locator('option[value="amersfoort"]');
  await expect(amersfoort).toHaveAttribute('hidden', '');
  await preview.getByRole('radio', { name: 'Utrecht' }).check();
  await expect(amersfoort).not.toHaveAttribute('hidden', '');
  await expect(town.locator('option[value="middelburg"]')).toHaveAttribute('hidden', '');
  await town.selectOption('amersfoort');
  await preview.getByRole('radio', { name: 'Zeeland' }).check();
  await expect(preview.getByText('Kies een van de gegeven antwoorden.')).toBeVisible();
  await town.selectOption('middelburg');
  await expect(preview.getByText('Kies een van de gegeven antwoorden.')).toBeHidden();
  await expectAccessible(page);

  await page.getByLabel('Wat is er veranderd?').fill('Eerste versie');
  await page.getByRole('button', { name: 'Publiceren' }).click();
  await expect(page.getByRole('alert')).toContainText('telling/town.options.elders: Nederlandse tekst ontbreekt');
});
