import { expect, test } from '@playwright/test'
import { AppPage } from './pages/app-page'

test('the Session panel shows pending objects and the SQL, and is empty after commit', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('orm-sample').click()
  const panel = page.getByTestId('session-panel')
  await expect(panel).toBeVisible()
  await page.getByTestId('strategy-posts').selectOption('selectin')
  await page.getByTestId('orm-load').click()
  const log = page.getByTestId('session-log')
  await expect(log).toContainText('FROM "posts" WHERE "posts"."user_id" IN')

  // Edit a column: the object becomes dirty.
  const first = page.locator('[data-testid^="obj-card-"]').first()
  const nameInput = first.locator('[data-testid$="-name"]')
  await nameInput.fill('Иван Грозный')
  await nameInput.press('Enter')
  await expect(page.getByTestId('session-dirty')).toContainText('users(1)')

  // A new object is pending.
  await page.getByTestId('orm-new').click()
  await expect(page.getByTestId('session-new')).toContainText('users(new)')
  await page.getByTestId('session-flush').click()
  await expect(log).toContainText('UPDATE "users" SET "name" = ?')
  await expect(log).toContainText('INSERT INTO "users"')
  await app.screenshot('10-orm-session-after-flush')

  await page.getByTestId('session-commit').click()
  await expect(log).toContainText('COMMIT')
  await expect(page.getByTestId('session-new')).toContainText('empty')
  await expect(page.getByTestId('session-dirty')).toContainText('empty')
  await expect(page.getByTestId('session-deleted')).toContainText('empty')
  await expect(page.getByTestId('session-tx')).toHaveText('idle')
  await app.screenshot('11-orm-session-after-commit')
})

test('a failing commit keeps the change and names the object', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('orm-sample').click()
  await page.getByTestId('orm-load').click()
  const cards = page.locator('[data-testid^="obj-card-"]')
  await expect(cards.first()).toBeVisible()
  // Give the second user the first user's login: UNIQUE fails at commit.
  const login = cards.nth(1).locator('[data-testid$="-login"]')
  await login.fill('ivan')
  await login.press('Enter')
  await page.getByTestId('session-commit').click()
  await expect(page.getByTestId('orm-error')).toContainText('CONSTRAINT_VIOLATION')
  await expect(page.getByTestId('session-dirty')).toContainText('users(2)')
  await expect(login).toHaveValue('ivan')
  await app.screenshot('12-orm-failed-commit')
  await login.fill('olga2')
  await login.press('Enter')
  await page.getByTestId('session-commit').click()
  await expect(page.getByTestId('orm-error')).toHaveCount(0)
  await expect(page.getByTestId('session-dirty')).toContainText('empty')
})

test("a designer model's mappers in the ORM playground, on a scratch database made from the model", async ({
  page,
}) => {
  const app = new AppPage(page)
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message))
  await app.open()
  await page.getByTestId('connection-sample').click()
  await page.getByTestId('welcome-designer').click()
  await page.getByTestId('dz-reverse').click()
  await expect(page.getByTestId('dz-table-posts')).toBeVisible()
  await page.getByTestId('dz-try-orm').click()
  // A tab of its own, over an empty copy of the model's tables.
  await expect(page.locator('[data-testid^="tab-"]', { hasText: 'ORM ·' })).toBeVisible()
  await expect(page.getByTestId('session-panel')).toBeVisible()
  await expect(page.getByTestId('strategy-posts')).toBeVisible()
  await page.getByTestId('orm-load').click()
  const log = page.getByTestId('session-log')
  await expect(log).toContainText('FROM "users"')
  await expect(page.locator('[data-testid^="obj-card-"]')).toHaveCount(0)
  await page.getByTestId('orm-new').click()
  await expect(page.getByTestId('session-new')).toContainText('users(new)')
  await app.screenshot('51-orm-from-model')
})

test('a session whose connection drops keeps its pending changes, and Reconnect session commits them', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  const pgConn = await app.openPlayground()
  await pgConn.getByTestId('orm-playground').click()
  await page.getByTestId('orm-load').click()
  await expect(page.getByTestId('session-log')).toContainText('FROM "users"')
  // The load opened a transaction that has only read: losing it loses nothing of the session's.
  const first = page.locator('[data-testid^="obj-card-"]').first()
  const nameInput = first.locator('[data-testid$="-name"]')
  const original = await nameInput.inputValue()
  await nameInput.fill('Kept across a reconnect')
  await nameInput.press('Enter')
  await expect(page.getByTestId('session-dirty')).toContainText('Kept across a reconnect')
  // Every other connection to the playground's database is ended, the session's among them.
  await app.runSqlOn(
    'PostgreSQL playground',
    'SELECT count(pg_terminate_backend(pid)) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  )
  await page.locator('.tab', { hasText: 'ORM' }).click()
  await page.getByTestId('session-commit').click()
  await expect(page.getByTestId('orm-error')).toContainText('CONNECTION_LOST')
  await expect(page.getByTestId('session-dirty')).toContainText('Kept across a reconnect')
  await app.screenshot('52-orm-connection-lost')
  await page.getByTestId('orm-reconnect').click()
  await expect(page.getByTestId('orm-error')).toHaveCount(0)
  await expect(page.getByTestId('session-dirty')).toContainText('Kept across a reconnect')
  await page.getByTestId('session-commit').click()
  await expect(page.getByTestId('session-dirty')).toContainText('empty')
  await expect(page.getByTestId('session-log')).toContainText('COMMIT')
  await app.runSqlOn(
    'PostgreSQL playground',
    `UPDATE users SET name = '${original.replace(/'/g, "''")}' WHERE name = 'Kept across a reconnect'`,
  )
})
