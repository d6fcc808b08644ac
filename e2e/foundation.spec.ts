import { expect, test } from '@playwright/test'
import { AppPage } from './pages/app-page'

test('opens on the sample database with its tables', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  for (const t of [
    'users',
    'profiles',
    'posts',
    'cities',
    'city_user',
    'employee_departments',
    'project_developer_skills',
  ]) {
    await expect(app.tree(t)).toBeVisible()
  }
  await expect(page.getByTestId('status-connection')).toHaveText('Sample database')
  await expect(page.getByTestId('welcome')).toBeVisible()
  await app.screenshot('01-sample-opened')
})

test('shows a table structure with keys, constraints and DDL', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openStructure('posts')
  const cols = page.getByTestId('columns-table')
  await expect(cols).toContainText('user_id')
  await expect(cols).toContainText('VARCHAR(200)')
  await expect(page.getByText('(user_id) → users (id)')).toBeVisible()
  await expect(page.getByText(/posts_title_not_blank/).first()).toBeVisible()
  await expect(page.getByTestId('structure-ddl')).toContainText('CREATE TABLE "posts"')
  await app.screenshot('02-structure-posts')
  await app.openStructure('city_user')
  await expect(page.getByTestId('columns-table')).toContainText('PK 2')
})

test('runs the statement under the cursor, explains it, and shows an error for malformed SQL', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('new-query-sample').click()
  await app.typeSql('SELECT 1 AS first;\nSELECT name, department, city FROM employee_departments ORDER BY employee_id')
  // The cursor is in the second statement: that one runs.
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-table')).toContainText('Санкт-Петербург')
  await expect(page.getByTestId('result-meta')).toContainText('6 rows')
  await app.screenshot('03-query')
  await page.getByTestId('explain').click()
  await expect(page.getByTestId('plan-tree')).toContainText(/SCAN|employee_departments/)
  await app.typeSql('SELEC oops')
  await page.getByTestId('run-query').click()
  await expect(page.getByTestId('query-error')).toContainText('syntax error')
  await page.getByTestId('history').click()
  await expect(page.getByTestId('history-panel')).toContainText('SELEC oops')
  // The status bar follows the connection's transaction.
  await app.typeSql('BEGIN')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('status-tx')).toHaveText('In transaction')
  await app.typeSql('ROLLBACK')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('status-tx')).toHaveText('Auto-commit')
})

test('a schema reload while typing keeps the text and the cursor of the editor', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('new-query-sample').click()
  const table = `keep_cursor_${Date.now()}`
  await app.typeSql(`SELECT 7 AS seven;\nCREATE TEMP TABLE ${table}(x)`)
  // CREATE reloads the connection's schema; the editor must not start over.
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-meta')).toContainText(`CREATE TEMP TABLE ${table}`)
  await page.keyboard.type(';\nSELECT 8 AS eight')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-table')).toContainText('eight')
  await expect(page.locator('.cm-content')).toContainText(`CREATE TEMP TABLE ${table}(x);SELECT 8 AS eight`)
  await app.typeSql(`DROP TABLE ${table}`)
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-meta')).toContainText('DROP')
})

test('runs a whole script, stops at the failing statement and selects it; fixed, the script runs to the end', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('new-query-sample').click()
  await app.typeSql(
    [
      'DROP TABLE IF EXISTS temp.script_t;',
      'CREATE TEMP TABLE script_t (id integer PRIMARY KEY, v text);',
      "INSERT INTO script_t VALUES (1, 'a'), (2, 'b');",
      'SELECT * FROM script_t ORDER BY id;',
      "INSERT INTO script_t VALUES (1, 'dup');",
      'SELECT v AS last_value FROM script_t ORDER BY id DESC LIMIT 1',
    ].join('\n'),
  )
  await page.keyboard.press('Control+Shift+Enter')
  await expect(page.getByTestId('script-summary')).toHaveText('Stopped at statement 5 of 6: 4 statements ran before it')
  await expect(page.getByTestId('query-error')).toContainText('Statement 5 of 6 (line 5)')
  await expect(page.getByTestId('query-error')).toContainText('UNIQUE')
  await expect(page.getByTestId('script-failed')).toContainText("INSERT INTO script_t VALUES (1, 'dup')")
  // The last rows the script read stay on screen.
  await expect(page.getByTestId('result-table')).toContainText('b')
  await app.screenshot('03b-script-failed')
  // The failing statement is selected: typing replaces it.
  await page.keyboard.insertText("INSERT INTO script_t VALUES (3, 'c');")
  await page.getByTestId('run-script').click()
  await expect(page.getByTestId('script-summary')).toHaveText(/^6 statements ran in/)
  await expect(page.getByTestId('script-log').locator('li')).toHaveCount(6)
  await expect(page.getByTestId('result-table')).toContainText('c')
  await expect(page.getByTestId('query-error')).toHaveCount(0)
  await app.typeSql('DROP TABLE temp.script_t')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-meta')).toContainText('DROP')
})

test('query tabs come back with their text after a reload; a closed one does not', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('new-query-sample').click()
  await app.typeSql('SELECT name FROM cities -- kept')
  await page.getByTestId('new-query-sample').click()
  await app.typeSql('SELECT 2 -- closed')
  await page.getByRole('button', { name: 'Close Query 2' }).click()
  await expect(page.locator('.tab')).toHaveCount(1)
  // The text is written down a moment after typing stops: wait until it is.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('schemist-query-drafts') ?? ''))
    .toContain('SELECT name FROM cities -- kept')
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('schemist-query-drafts') ?? ''))
    .not.toContain('SELECT 2 -- closed')
  await page.reload()
  await expect(page.getByTestId('connection-sample')).toBeVisible()
  await expect(page.locator('.tab')).toHaveCount(1)
  await expect(page.locator('.cm-content')).toHaveText('SELECT name FROM cities -- kept')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-table')).toContainText('Москва')
})

test('explains a bad SQLite path in the connection dialog', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  const dlg = await app.newConnectionDialog()
  await dlg.getByTestId('sqlite-path').fill('/definitely/not/here.sqlite')
  await dlg.getByTestId('conn-test').click()
  await expect(dlg.getByTestId('conn-feedback')).toContainText('does not exist')
  await dlg.getByTestId('engine-postgres').click()
  // What was said about the SQLite file is gone with it.
  await expect(dlg.getByTestId('conn-feedback')).toHaveCount(0)
  await expect(dlg.getByTestId('password-storage-note')).toContainText('never written to disk')
  await app.screenshot('04-connection-dialog')
})

test('starts the PostgreSQL playground, browses it, and explains a wrong password', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.startPlayground()
  const pgConn = page.locator('.conn', { has: page.getByTestId('connection-playground') })
  await expect(pgConn.getByTestId('tree-table-public.employee_departments')).toBeVisible()
  await pgConn.getByTestId('tree-table-public.users').hover()
  await pgConn.getByTestId('tree-structure-public.users').click()
  await expect(page.getByTestId('structure-title')).toHaveText('users')
  await expect(page.getByTestId('structure-ddl')).toContainText('GENERATED BY DEFAULT AS IDENTITY')
  await expect(page.getByTestId('status-connection')).toHaveText('PostgreSQL playground')
  await app.screenshot('05-playground')

  const port = (await page.getByTestId('playground-card').innerText()).match(/127\.0\.0\.1:(\d+)/)![1]
  const dlg = await app.newConnectionDialog()
  await dlg.getByTestId('engine-postgres').click()
  await dlg.getByTestId('pg-mode-url').click()
  await dlg.getByTestId('pg-url').fill(`postgres://schemist:wrong@127.0.0.1:${port}/schemist?sslmode=disable`)
  await expect(dlg.getByTestId('pg-port')).toHaveValue(port)
  await dlg.getByTestId('conn-test').click()
  await expect(dlg.getByTestId('conn-feedback')).toContainText('Authentication failed')
  await app.screenshot('06-wrong-password')
})

test('a connection dropped mid-transaction: the tabs and pending edits stay, Reconnect goes on without the lost work', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  const pgConn = await app.openPlayground()
  // A pending edit in a data tab.
  await pgConn.getByTestId('tree-table-public.cities').click()
  const grid = page.getByTestId('data-grid')
  const row = grid.locator('[data-testid="row-[3]"]')
  await row.locator('.g-cell').nth(2).dblclick()
  await page.getByTestId('cell-editor').fill('Казань (edited)')
  await page.getByTestId('cell-editor').press('Enter')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  // A transaction in a query tab on the same connection, then the server ends the connection.
  await pgConn.getByTestId('new-query-playground').click()
  for (const sql of ['BEGIN', "UPDATE cities SET name = 'in flight' WHERE id = 1"]) {
    await app.typeSql(sql)
    await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('result-meta')).toContainText(sql.slice(0, 30))
  }
  await expect(page.getByTestId('status-tx')).toHaveText('In transaction')
  await app.typeSql('SELECT pg_terminate_backend(pg_backend_pid())')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('query-error')).toContainText('CONNECTION_LOST')
  await expect(pgConn.getByTestId('lost-playground')).toBeVisible()
  await expect(page.getByTestId('status-tx')).toHaveText('Connection lost')
  await expect(page.getByTestId('tab-reconnect')).toBeVisible()
  await app.screenshot('09-connection-lost')
  // Statements now say what happened and what to do.
  await app.typeSql('SELECT 1')
  await page.getByTestId('run-query').click()
  await expect(page.getByTestId('query-error')).toContainText('Reconnect it to go on')

  await page.getByTestId('status-reconnect').click()
  await expect(pgConn.getByTestId('lost-playground')).toHaveCount(0)
  await expect(page.getByTestId('status-tx')).toHaveText('Auto-commit')
  // The server rolled the open transaction back.
  await app.typeSql('SELECT name FROM cities WHERE id = 1')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('result-table')).toContainText('Москва')
  // The data tab kept its edit, and it commits.
  await page.locator('.tab', { hasText: 'cities' }).click()
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  await expect(grid.locator('[data-testid="row-[3]"]')).toContainText('Казань (edited)')
  await app.runSqlOn('PostgreSQL playground', "UPDATE cities SET name = 'Казань' WHERE id = 3")
})

test('switches between dark and light themes', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openStructure('employee_departments')
  const html = page.locator('html')
  const before = await html.getAttribute('data-theme')
  const after = before === 'dark' ? 'light' : 'dark'
  await page.getByTestId('toggle-theme').click()
  await expect(html).toHaveAttribute('data-theme', after)
  await app.screenshot(`07-theme-${after}`)
  await page.keyboard.press('Control+Shift+L')
  await expect(html).toHaveAttribute('data-theme', before!)
  await app.screenshot(`08-theme-${before}`)
})
