import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// Accounts for the journeys, made the way an operator would: with the server's own commands.
// Each prints a one-time set-password link, which the tests open in the browser.
export default async function globalSetup() {
  const bin = path.resolve(__dirname, '..', process.env.SERVER_BIN ?? 'target/release/server');
  const env = {
    ...process.env,
    DATABASE_URL: process.env.E2E_DATABASE_URL!,
    LEPTOS_SITE_ADDR: new URL(process.env.E2E_BASE_URL!).host,
    RUST_LOG: 'warn',
  };
  const run = (args: string[]) => execFileSync(bin, args, { env, cwd: path.resolve(__dirname, '..') }).toString().trim();
  run(['institutions', 'import', 'server/demo/institutions.csv']);
  const version = run(['questionnaire', 'import', 'server/questionnaires/veiligheidscoordinatoren.json']);
  run(['questionnaire', 'publish', version, '--changelog', 'Eerste versie']);
  run(['sources', 'create', '--kind', 'students', '--name', 'JOB-monitor']);
  run(['sources', 'import', '--source', 'JOB-monitor', 'server/demo/job-demo.csv']);
  run(['users', 'create', '--email', 'survey-a@e2e.test', '--name', 'Coördinator A', '--role', 'coordinator', '--institution', '25PX']);
  run(['users', 'create', '--email', 'survey-b@e2e.test', '--name', 'Coördinator B', '--role', 'coordinator', '--institution', '27GH']);
  run(['users', 'create', '--email', 'survey-c@e2e.test', '--name', 'Coördinator C', '--role', 'coordinator', '--institution', '30RR']);
  const links = {
    rounds: run(['create-admin', '--email', 'rondes@e2e.test', '--name', 'E2E Rondebeheerder']),
    admin: run(['create-admin', '--email', 'beheer@e2e.test', '--name', 'E2E Beheerder']),
    mail: run(['create-admin', '--email', 'mail@e2e.test', '--name', 'E2E Mailbeheerder']),
    coordinator: run(['users', 'create', '--email', 'coord@e2e.test', '--name', 'E2E Coördinator', '--role', 'coordinator', '--institution', '25PX']),
    researcher: run(['users', 'create', '--email', 'onderzoek@e2e.test', '--name', 'E2E Onderzoeker', '--role', 'researcher']),
  };
  fs.writeFileSync(path.join(process.env.E2E_DATA_DIR!, 'links.json'), JSON.stringify(links));
}
