import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppPage } from './pages/app-page'

// The README's first five minutes, step by step, with its screenshots: they are taken here, so
// they show the app as it is. Nothing here changes the sample for the other specs.
const DOCS = join(__dirname, '..', 'docs', 'walkthrough')

async function shot(page: Page, name: string) {
  mkdirSync(DOCS, { recursive: true })
  // Passing notices (a toast) are not part of the picture.
  // A toast may go by itself between being listed and clicked: the click gives up quickly then.
  for (const t of await page.locator('.toast').all()) await t.click({ timeout: 1000 }).catch(() => {})
  await expect(page.locator('.toast')).toHaveCount(0)
  await page.screenshot({ path: join(DOCS, `${name}.png`) })
}

test.use({ viewport: { width: 1280, height: 760 } })

test('the first five minutes: open the sample, edit a row, two transactions side by side, normalize a table, design and apply a model', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const app = new AppPage(page)
  page.on('dialog', (d) => void d.accept())

  // 1. The sample database, open.
  await app.open()
  await app.openData('users')
  await shot(page, '1-sample')

  // 2. Edit a row: type on a cell, Enter, then Commit (the session's SQL is in the Session panel).
  const cell = page.getByTestId('data-grid').locator('[data-testid="row-[2]"] .g-cell').nth(2)
  const before = await cell.innerText()
  await cell.click()
  await page.keyboard.type('Olga Petrova')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await shot(page, '2-edit-a-row')
  await page.getByTestId('commit').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  // Put it back (the editor takes any text: Cyrillic here).
  await cell.dblclick()
  await page.getByTestId('cell-editor').fill(before)
  await page.getByTestId('cell-editor').press('Enter')
  await page.getByTestId('commit').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)

  // 3. Two transactions side by side on the PostgreSQL playground: B waits for A's row lock.
  await app.openPlaygroundConsole()
  await page.getByTestId('pane-begin-A').click()
  await app.runInPane('A', 'UPDATE users SET name = name WHERE id = 1')
  await expect(page.getByTestId('pane-out-A')).toContainText('UPDATE')
  await page.getByTestId('pane-begin-B').click()
  await app.runInPane('B', "UPDATE users SET name = 'B was here' WHERE id = 1")
  await expect(page.getByTestId('pane-waiting-B')).toContainText('on A')
  await shot(page, '3-two-transactions')
  await page.getByTestId('pane-commit-A').click()
  await expect(page.getByTestId('pane-waiting-B')).toHaveCount(0)
  await page.getByTestId('pane-rollback-B').click()
  await expect(page.getByTestId('pane-state-B')).toHaveText('idle')

  // 4. Normalize a table: discover its dependencies, see its normal form and the 3NF split.
  await app.openStructure('employee_departments', 'sample')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-form')).toContainText('2NF')
  await page.getByTestId('normalize-propose').click()
  await expect(page.getByTestId('normalize-lossless')).toHaveText('Lossless on the rows')
  await page.getByTestId('normalize-proposal').scrollIntoViewIfNeeded()
  await shot(page, '4-normalize')

  // 5. Design a model and apply it to a new SQLite file.
  await page
    .locator('.tab', { hasText: 'Normalize' })
    .getByRole('button', { name: /^Close/ })
    .click()
  await page
    .locator('.tab')
    .filter({ hasText: 'employee_departments' })
    .getByRole('button', { name: /^Close/ })
    .click()
  await page
    .locator('.tab')
    .filter({ hasText: 'Isolation' })
    .getByRole('button', { name: /^Close/ })
    .click()
  await page
    .locator('.tab')
    .filter({ hasText: 'users' })
    .getByRole('button', { name: /^Close/ })
    .click()
  await page.getByTestId('welcome-designer').click()
  await page.getByTestId('dz-add-table').click()
  await page.getByTestId('dz-class-name').fill('Author')
  await page.getByTestId('dz-add-column').click()
  await page.getByTestId('dz-colname-1').fill('name')
  await page.getByTestId('dz-add-table').click()
  await page.getByTestId('dz-class-name').fill('Book')
  await page.getByTestId('dz-add-column').click()
  await page.getByTestId('dz-colname-1').fill('title')
  await page.getByTestId('dz-apply').click()
  const file = join(mkdtempSync(join(tmpdir(), 'schemist-walkthrough-')), 'library.sqlite')
  await page.getByTestId('dz-target-new-sqlite').click()
  await page.getByTestId('path-input').fill(file)
  await page.getByTestId('path-input').press('Enter')
  await expect(page.getByTestId('dz-migration-summary')).toContainText('create table authors')
  await shot(page, '5-design-and-apply')
  await page.getByTestId('dz-migration-run').click()
  await expect(page.getByText(/Applied 2 changes to library\.sqlite/)).toBeVisible()

  // The playground as it was found (stopped): the specs after this one start it themselves.
  await page.getByTestId('playground-postgres-stop').click()
  await expect(page.getByTestId('playground-postgres-state')).toHaveText('Stopped', { timeout: 60_000 })
})
