import { expect, test } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MariadbDriver } from '../src-main/db/mariadb/mariadb-driver'
import { MariadbServer, mariadbBinary, NO_MARIADB } from '../src-main/db/mariadb/mariadb-server'
import { AppPage } from './pages/app-page'

// A private MariaDB server for this file (Debian's mariadb-server; .ci/run installs it).
let server: MariadbServer | null = null
let port = 0
test.beforeAll(async () => {
  if (!mariadbBinary()) return
  server = new MariadbServer(mkdtempSync(join(tmpdir(), 'schemist-e2e-mariadb-')))
  const config = await server.start()
  port = config.port
  const admin = await MariadbDriver.open(config)
  await admin.query('CREATE DATABASE shop')
  await admin.close()
})
test.afterAll(async () => {
  await server?.stop()
  if (server) rmSync(server.dataDir, { recursive: true, force: true })
})

test('a MariaDB server connects through the dialog by its fields', async ({ page }) => {
  test.skip(!server, NO_MARIADB)
  const app = new AppPage(page)
  await app.open()
  const dialog = await app.newConnectionDialog()
  await dialog.getByTestId('engine-mariadb').click()
  await dialog.getByTestId('conn-name').fill('MariaDB shop')
  await dialog.getByTestId('pg-host').fill('127.0.0.1')
  await dialog.getByTestId('pg-port').fill(String(port))
  await dialog.getByTestId('pg-user').fill('root')
  await dialog.getByTestId('pg-database').fill('shop')
  await dialog.getByTestId('conn-test').click()
  await expect(dialog.getByTestId('conn-feedback')).toContainText('MariaDB')
  await dialog.getByTestId('conn-save-connect').click()
  await expect(page.getByTestId('connection-dialog')).toHaveCount(0)
  await expect(page.locator('.conn', { hasText: 'MariaDB shop' })).toBeVisible()
})

test('the MariaDB playground at REPEATABLE READ loses an update that PostgreSQL prevents', async ({ page }) => {
  test.skip(!server, NO_MARIADB)
  test.setTimeout(180_000)
  const app = new AppPage(page)
  await app.open()
  // The sidebar starts a private server from this machine's mariadbd, with the sample schema.
  await page.getByTestId('playground-mariadb-start').click()
  await expect(page.getByTestId('playground-mariadb-state')).toHaveText('Running', { timeout: 120_000 })
  await expect(page.getByTestId('playground-mariadb-text')).toContainText('/schemist')
  const conn = page.locator('.conn', { has: page.getByTestId('connection-playground-mariadb') })
  await expect(conn.getByTestId('tree-table-users')).toBeVisible()
  await app.screenshot('63-mariadb-playground')
  await conn.locator('[data-testid^="iso-"]').click()
  await page.getByTestId('scenario-select').selectOption('lost-update')
  await page.getByTestId('level-select').selectOption('REPEATABLE READ')
  // The level's note says how InnoDB differs from PostgreSQL here.
  await expect(page.locator('.iso-desc')).toContainText('a lost update is allowed')
  await page.getByTestId('run-scenario').click()
  await expect(page.getByTestId('verdict')).toContainText('anomaly observed at REPEATABLE READ')
  // T2's UPDATE waited for T1's row lock, then wrote over T1's increment.
  await expect(page.getByTestId('step-wait').first()).toContainText('on T1')
  await expect(page.getByTestId('history-anomalies')).toContainText('G-single')
  await app.screenshot('60-mariadb-lost-update-repeatable-read')
  // SERIALIZABLE: the plain SELECTs lock, the two UPDATEs deadlock, and one transaction is the victim.
  await page.getByTestId('level-select').selectOption('SERIALIZABLE')
  await page.getByTestId('run-scenario').click()
  await expect(page.getByTestId('verdict')).toContainText('prevented by aborting at SERIALIZABLE')
  await expect(page.getByTestId('scenario-run')).toContainText('victim')
  await app.screenshot('61-mariadb-lost-update-serializable')
  // The console's lock view: a range read under REPEATABLE READ takes next-key locks, and an insert into the range waits.
  await page.getByTestId('mode-console').click()
  await app.runInPane('A', 'CREATE TABLE seats (id int PRIMARY KEY, row_no int, KEY by_row (row_no))')
  await expect(page.getByTestId('pane-out-A')).toContainText('CREATE')
  await app.runInPane('A', 'INSERT INTO seats VALUES (1, 1), (2, 3), (3, 5)')
  await expect(page.getByTestId('pane-out-A')).toContainText('INSERT')
  // At READ COMMITTED InnoDB takes no gap locks; REPEATABLE READ does.
  await page.getByTestId('pane-level-A').selectOption('REPEATABLE READ')
  await page.getByTestId('pane-begin-A').click()
  await expect(page.getByTestId('pane-state-A')).toHaveText('in transaction')
  await app.runInPane('A', 'SELECT * FROM seats WHERE row_no BETWEEN 2 AND 4 FOR UPDATE')
  await expect(page.getByTestId('pane-out-A')).toContainText('2, 3')
  await page.getByTestId('pane-begin-B').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('in transaction')
  await app.runInPane('B', 'INSERT INTO seats VALUES (4, 2)')
  await expect(page.getByTestId('pane-state-B')).toHaveText(/waiting/)
  await page.getByTestId('pane-locks-A').click()
  const locks = page.getByTestId('locks-panel')
  await expect(locks.getByTestId('locks-A').filter({ hasText: 'next-key' }).first()).toContainText('row_no=3, id=2')
  await expect(locks.getByTestId('locks-B').filter({ hasText: 'insert intention' })).toContainText('waiting')
  await app.screenshot('65-mariadb-locks')
  await page.getByTestId('pane-rollback-A').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('in transaction')
  await page.getByTestId('pane-rollback-B').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('idle')

  // The same lost update typed by hand in two panes at REPEATABLE READ: InnoDB's UPDATE reads the
  // latest committed row, so B overwrites A's change; the session's history names the cycle.
  for (const p of ['A', 'B']) {
    await page.getByTestId(`pane-level-${p}`).selectOption('REPEATABLE READ')
    await page.getByTestId(`pane-begin-${p}`).click()
    await expect(page.getByTestId(`pane-state-${p}`)).toHaveText('in transaction')
  }
  await app.loseAnUpdate('seats', 'row_no', 1, 1)
  await app.expectHistoryCycle('G-single', 'seats(1).row_no')
  await app.screenshot('66-mariadb-console-lost-update-history')

  // Normalization applies on MariaDB too: its DDL commits at once, so the check comes before the drop.
  await app.openStructure('employee_departments', 'playground-mariadb')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-form')).toContainText('2NF')
  await page.getByTestId('normalize-propose').click()
  await expect(page.getByTestId('normalize-lossless')).toHaveText('Lossless on the rows')
  await expect(page.getByTestId('normalize-apply')).toHaveText('Apply (checked before the drop)')
  await page.getByTestId('normalize-apply').click()
  await expect(page.getByTestId('normalize-applied')).toContainText('employee_departments is now a view')
  await app.screenshot('64-mariadb-normalize-applied')
  await page.getByTestId('playground-mariadb-stop').click()
  await expect(page.getByTestId('playground-mariadb-state')).toHaveText('Stopped', { timeout: 60_000 })
})
