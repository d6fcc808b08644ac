import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

// End-to-end tests drive the real renderer in Debian's Chromium against the web host, with a
// real SQLite sample and a real PostgreSQL playground behind it.
const port = Number(process.env.SCHEMIST_E2E_PORT ?? 5198)
const token = 'e2e-token'
const dataDir = process.env.SCHEMIST_E2E_DATA ?? mkdtempSync(join(tmpdir(), 'schemist-e2e-'))
process.env.SCHEMIST_E2E_DATA = dataDir

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/test-results',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  // On CI a test that fails is run once more; one that then passes is reported as flaky by name
  // (scripts/test-all.mjs), so the race behind it is seen and mended, not hidden.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: 'e2e/artifacts/results.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1360, height: 820 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // An action that cannot happen (its element went away) fails here, named, instead of using up the test's time.
    actionTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node out/main/web-host.js',
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    // A client that goes away is released after 1.5 s (15 s in use), so a test can see it happen.
    env: {
      SCHEMIST_DATA_DIR: dataDir,
      SCHEMIST_PORT: String(port),
      SCHEMIST_TOKEN: token,
      SCHEMIST_CLIENT_GRACE_MS: '1500',
    },
    stdout: 'pipe',
  },
  metadata: { token },
})

export const E2E_TOKEN = token
