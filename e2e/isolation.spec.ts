import { expect, test } from '@playwright/test'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppPage, SHOTS } from './pages/app-page'

test('run the lost-update scenario on PostgreSQL, read the verdict, and open the matrix', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlayground()
  await page.getByTestId('iso-playground').click()
  await page.getByTestId('scenario-select').selectOption('lost-update')
  await page.getByTestId('level-select').selectOption('READ COMMITTED')
  await page.getByTestId('run-scenario').click()
  await expect(page.getByTestId('verdict')).toContainText('anomaly observed at READ COMMITTED')
  await expect(page.getByTestId('step-wait').first()).toContainText('on T1')
  // The recorded history, checked: a G-single cycle, drawn.
  await expect(page.getByTestId('history-anomalies')).toContainText('G-single')
  await expect(page.getByTestId('cycle-graph').locator('.react-flow__node')).toHaveCount(2)
  await app.screenshot('30-lost-update-read-committed')
  await page.getByTestId('level-select').selectOption('REPEATABLE READ')
  await page.getByTestId('run-scenario').click()
  await expect(page.getByTestId('verdict')).toContainText('prevented by aborting at REPEATABLE READ')
  await expect(page.getByTestId('scenario-run')).toContainText('40001')
  await expect(page.getByTestId('scenario-run')).toContainText('answered COMMIT with ROLLBACK')
  await expect(page.getByTestId('history-serializable')).toContainText('Serializable')
  await app.screenshot('31-lost-update-repeatable-read')
  // Found by experiment: four clients at REPEATABLE READ, write skew gets through.
  await page.getByTestId('run-workload').click()
  await expect(page.getByTestId('workload')).toContainText('The server allowed G2-item', { timeout: 30_000 })
  await expect(page.getByTestId('cycle-graph').locator('.react-flow__edge')).toHaveCount(2)
  await app.screenshot('31b-anomaly-found-by-experiment')
  await page.getByTestId('run-matrix').click()
  await expect(page.getByTestId('matrix')).toBeVisible({ timeout: 90_000 })
  await expect(page.getByTestId('m-SERIALIZABLE-write-skew')).toHaveText('aborting')
  await expect(page.getByTestId('m-REPEATABLE READ-write-skew')).toHaveText('anomaly')
  // The whole matrix fits a 1280 px window: nothing to scroll sideways for.
  await page.setViewportSize({ width: 1280, height: 800 })
  await expect
    .poll(() => page.locator('.matrix-scroll').evaluate((el) => el.scrollWidth - el.clientWidth))
    .toBeLessThanOrEqual(0)
  await app.screenshot('32-isolation-matrix')
})

test('two panes by hand: the waiting indicator appears on B and clears when A commits', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlaygroundConsole()
  const type = (pane: string, sql: string) => app.runInPane(pane, sql)
  await page.getByTestId('pane-begin-A').click()
  await expect(page.getByTestId('pane-state-A')).toHaveText('in transaction')
  await type('A', 'UPDATE users SET name = name WHERE id = 1')
  await expect(page.getByTestId('pane-out-A')).toContainText('UPDATE')
  await page.getByTestId('pane-begin-B').click()
  await type('B', "UPDATE users SET name = 'B was here' WHERE id = 1")
  await expect(page.getByTestId('pane-waiting-B')).toContainText('on A')
  await expect(page.getByTestId('pane-state-B')).toHaveText('waiting')
  await app.screenshot('33-console-waiting')
  await page.getByTestId('pane-commit-A').click()
  await expect(page.getByTestId('pane-waiting-B')).toHaveCount(0)
  await expect(page.getByTestId('pane-state-B')).toHaveText('in transaction')
  await expect(page.getByTestId('timeline')).toContainText('waited')
  await page.getByTestId('pane-rollback-B').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('idle')
  await app.screenshot('34-console-after')
})

test('a session typed by hand, checked as a history: the lost update at READ COMMITTED is named and its cycle drawn', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlaygroundConsole()
  const type = async (pane: string, sql: string, shows: string | RegExp) => {
    await app.runInPane(pane, sql)
    await expect(page.getByTestId(`pane-out-${pane}`)).toContainText(shows)
  }
  await type('A', 'DROP TABLE IF EXISTS wallet', /DROP|NOTICE/)
  await type('A', 'CREATE TABLE wallet (id int PRIMARY KEY, owner text, balance int)', 'CREATE')
  await type('A', "INSERT INTO wallet VALUES (1, 'ann', 100)", 'INSERT')
  for (const p of ['A', 'B']) {
    await page.getByTestId(`pane-level-${p}`).selectOption('READ COMMITTED')
    await page.getByTestId(`pane-begin-${p}`).click()
    await expect(page.getByTestId(`pane-state-${p}`)).toHaveText('in transaction')
  }
  // Each pane adds to the balance it read: B's write, computed from a stale read, replaces A's.
  await app.loseAnUpdate('wallet', 'balance', 1, 100)
  const history = await app.expectHistoryCycle('G-single', 'wallet(1).balance')
  await expect(history.getByTestId('history-txns')).toContainText('A.2 committed · 1 read, 1 write')
  await app.screenshot('37-console-history-lost-update')
  // A step run since says the check is out of date; checking again brings it up to date.
  await type('A', 'SELECT owner FROM wallet WHERE id = 1', 'ann')
  await expect(history.getByTestId('history-stale')).toBeVisible()
  await history.getByTestId('history-recheck').click()
  await expect(history.getByTestId('history-stale')).toHaveCount(0)
  await type('A', 'DROP TABLE wallet', 'DROP')
})

test('a pane whose connection drops says so, and Reconnect pane gives it a fresh one without the lost transaction', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlaygroundConsole()
  await page.getByTestId('pane-begin-A').click()
  await app.runInPane('A', "UPDATE users SET name = 'lost' WHERE id = 2")
  await expect(page.getByTestId('pane-out-A')).toContainText('UPDATE')
  // B ends A's backend, as an administrator (or a server restart) would.
  await app.runInPane(
    'B',
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'UPDATE users SET name = ''lost''%'",
  )
  await expect(page.getByTestId('pane-out-B')).toContainText('pg_terminate_backend')
  await app.runInPane('A', 'SELECT name FROM users WHERE id = 2')
  await expect(page.getByTestId('pane-state-A')).toHaveText('disconnected')
  await expect(page.getByTestId('pane-out-A')).toContainText('the server rolled it back')
  await app.screenshot('37b-console-pane-disconnected')
  await page.getByTestId('pane-reconnect-A').click()
  await expect(page.getByTestId('pane-state-A')).toHaveText('idle')
  await app.runInPane('A', 'SELECT name AS after_reconnect FROM users WHERE id = 2')
  await expect(page.getByTestId('pane-out-A')).toContainText('after_reconnect')
  await expect(page.getByTestId('pane-out-A')).not.toContainText('lost')
})

test('a spec from the isolation tester runs step by step in the panes; the session saves as a spec, a script and a PNG', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlaygroundConsole()
  await page.getByTestId('spec-file').setInputFiles(join(__dirname, '..', 'resources', 'specs', 'blocking-update.spec'))
  await expect(page.getByTestId('queue-message')).toContainText('s1 → pane A, s2 → pane B')
  await expect(page.getByTestId('queue-progress')).toContainText('step 1 of 7')
  // One step at a time: the sessions' BEGINs (the spec's setup runs first).
  await page.getByTestId('queue-next').click()
  await expect(page.getByTestId('pane-state-A')).toHaveText('in transaction')
  await page.getByTestId('queue-next').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('in transaction')
  // Then the rest, as the isolation tester runs them: s2u blocks until s1c commits.
  await page.getByTestId('queue-all').click()
  await expect(page.getByTestId('queue-progress')).toContainText('all steps sent')
  await expect(page.getByTestId('pane-state-B')).toHaveText('idle')
  await expect(page.getByTestId('timeline')).toContainText('waited')
  await expect(page.getByTestId('pane-out-B')).toContainText('COMMIT')
  await expect(
    page.getByTestId('timeline').locator('.lane-row.queued', { hasText: 'SELECT balance FROM acct' }),
  ).toContainText('100')
  await app.screenshot('35-console-spec-run')
  const save = async (testId: string) => {
    const dl = page.waitForEvent('download')
    await page.getByTestId(testId).click()
    return readFileSync(await (await dl).path())
  }
  expect(String(await save('save-spec'))).toMatch(
    /session A[\s\S]*step a1\s+\{ BEGIN; \}[\s\S]*permutation a1 b1 a2 b2 a3 b3 b4/,
  )
  expect(String(await save('save-script'))).toContain('-- pane B at +')
  const png = await save('save-png')
  expect(png.subarray(0, 4).toString('hex')).toBe('89504e47')
  writeFileSync(join(SHOTS, '35b-timeline-export.png'), png)
  await page.getByTestId('queue-finish').click()
  await expect(page.getByTestId('queue-message')).toHaveText('Teardown done')
})

test("under CPU load, Run all keeps the isolation tester's order: the step a commit released completes before the next is sent", async ({
  page,
}) => {
  // Two busy loops on this 2-core machine: the step engine must not take slowness for order.
  const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
  try {
    const app = new AppPage(page)
    await app.open()
    await app.openPlaygroundConsole()
    await page
      .getByTestId('spec-file')
      .setInputFiles(join(__dirname, '..', 'resources', 'specs', 'blocking-update.spec'))
    await expect(page.getByTestId('queue-progress')).toContainText('step 1 of 7')
    await page.getByTestId('queue-all').click()
    await expect(page.getByTestId('queue-progress')).toContainText('all steps sent', { timeout: 30_000 })
    await expect(page.getByTestId('pane-state-B')).toHaveText('idle', { timeout: 15_000 })
    const rows = await page.getByTestId('console-lanes').locator('.lane-row').allInnerTexts()
    const done = rows.findIndex((r) => /completed/.test(r))
    const commit1 = rows.findIndex((r) => /^\d*\s*COMMIT/.test(r.trim()))
    const read = rows.findIndex((r) => /SELECT balance/.test(r))
    expect(done).toBeGreaterThan(commit1)
    expect(read).toBeGreaterThan(done)
    // The read sees s2's own update on top of s1's committed one.
    expect(rows[read]).toContain('100')
    await expect(page.getByTestId('wait-bar')).toHaveCount(1)
    await app.screenshot('35c-console-under-load')
    await page.getByTestId('queue-finish').click()
    await expect(page.getByTestId('queue-message')).toHaveText('Teardown done')
  } finally {
    for (const b of burners) b.kill()
  }
})

test('a library scenario stepped through in the console, one step at a time, ends with its verdict', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('iso-sample').click()
  await page.getByTestId('scenario-select').selectOption('lost-update')
  await page.getByTestId('level-select').selectOption('DEFERRED')
  await page.getByTestId('step-scenario').click()
  await expect(page.getByTestId('queue-progress')).toContainText('step 1 of 8')
  for (let i = 0; i < 4; i++) await page.getByTestId('queue-next').click()
  await expect(page.getByTestId('pane-state-A')).toHaveText('in transaction')
  await expect(page.getByTestId('pane-state-B')).toHaveText('in transaction')
  await page.getByTestId('queue-all').click()
  await expect(page.getByTestId('queue-progress')).toContainText('all steps sent')
  await page.getByTestId('queue-finish').click()
  await expect(page.getByTestId('queue-verdict')).toContainText('prevented by aborting')
  // Its steps as a history: SQLite let one writer through, so the run is serializable.
  await expect(page.getByTestId('queue-bar').getByTestId('history-serializable')).toBeVisible()
  await app.screenshot('36-console-scenario-verdict')
})

test('row versions: under REPEATABLE READ pane A still sees the old version B replaced', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlaygroundConsole()
  const type = (pane: string, sql: string) => app.runInPane(pane, sql)
  await page.getByTestId('pane-level-A').selectOption('REPEATABLE READ')
  await page.getByTestId('pane-begin-A').click()
  await type('A', 'SELECT name FROM cities WHERE id = 2')
  await expect(page.getByTestId('pane-out-A')).toContainText('SELECT name FROM cities')
  await type('B', "UPDATE cities SET name = name || ' (new)' WHERE id = 2")
  await expect(page.getByTestId('pane-out-B')).toContainText('UPDATE')
  await page.getByTestId('pane-mvcc-A').click()
  await page.getByTestId('mvcc-table-A').selectOption({ label: 'cities' })
  await page.getByTestId('mvcc-look-A').click()
  const panel = page.getByTestId('mvcc-A')
  await expect(page.getByTestId('mvcc-snapshot-A')).toContainText('Snapshot')
  await expect(panel.locator('tr.unseen').first()).toContainText('not visible to this snapshot')
  await expect(panel.locator('tr.seen', { hasText: 'committed' }).first()).toBeVisible()
  await app.screenshot('37-console-row-versions')
  await page.getByTestId('pane-rollback-A').click()
})
