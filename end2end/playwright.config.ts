import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// One fresh SQLite database per run; the server binary is the one the test command built.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `miv-e2e-${Date.now()}`);
process.env.E2E_DATA_DIR = dataDir;
process.env.E2E_DATABASE_URL = `sqlite://${dataDir}/miv.sqlite`;
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: process.env.E2E_BASE_URL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `${process.env.SERVER_BIN ?? 'target/release/server'} serve`,
    cwd: '..',
    url: `${process.env.E2E_BASE_URL}/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      // Few institutions take part in the journeys: show comparisons from one institution on.
      MIV_MIN_INSTITUTIONS: '1',
      // Mails land as .eml files here; the mail journey reads the personal link from one.
      MIV_MAIL_BACKEND: 'file',
      MIV_MAIL_DIR: path.join(dataDir, 'mail'),
    },
  },
});
