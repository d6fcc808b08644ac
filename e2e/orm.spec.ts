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
