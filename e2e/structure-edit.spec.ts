import { expect, test, type Page } from '@playwright/test'
import { AppPage } from './pages/app-page'

/** Rename a column and add one, review the migration, apply it: the rows are still there. */
async function editStructure(page: Page, app: AppPage, shot: string) {
  await page.getByTestId('structure-edit').click()
  await expect(page.getByTestId('edit-col-name-1')).toHaveValue('title')
  // A change can be undone before anything runs.
  await page.getByTestId('edit-add-column').click()
  await expect(page.getByTestId('edit-col-name-2')).toHaveValue('new_column')
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(page.getByTestId('edit-col-name-2')).toHaveCount(0)
  await page.getByTestId('edit-col-name-1').fill('headline')
  await page.getByTestId('edit-add-column').click()
  await page.getByTestId('edit-col-name-2').fill('rating')
  await page.getByTestId('edit-col-type-2').selectOption('integer')
  await page.getByTestId('edit-preview').click()
  await expect(page.getByTestId('edit-plan')).toContainText('rename column')
  await expect(page.getByTestId('edit-plan-sql')).toContainText('rating')
  await app.screenshot(shot)
  await page.getByTestId('edit-apply').click()
  await expect(page.getByTestId('structure-editor')).toHaveCount(0)
  await expect(page.getByTestId('columns-table')).toContainText('headline')
  await expect(page.getByTestId('columns-table')).toContainText('rating')
}

test('structure edited in place on SQLite: a column renamed and one added, previewed, applied, rows kept', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql('CREATE TABLE struct_demo (id integer PRIMARY KEY, title text NOT NULL)')
  await app.runSql("INSERT INTO struct_demo (title) VALUES ('a'), ('b'), ('c')")
  await app.openStructure('struct_demo')
  await editStructure(page, app, '53-structure-edit-sqlite')
  await app.runSql('SELECT count(*) AS n, min(headline) AS first, count(rating) AS rated FROM struct_demo')
  // Three rows, the renamed column kept its values, the new one is empty.
  await expect(page.getByRole('row', { name: '1 3 a 0' })).toBeVisible()
})

test('structure edited in place on PostgreSQL: the same, through ALTER TABLE in one transaction', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlayground()
  await app.runSqlOn('PostgreSQL playground', 'CREATE TABLE struct_demo (id integer PRIMARY KEY, title text NOT NULL)')
  await app.runSqlOn('PostgreSQL playground', "INSERT INTO struct_demo VALUES (1, 'a'), (2, 'b'), (3, 'c')")
  const pgConn = page.locator('.conn', { has: page.getByTestId('connection-playground') })
  await pgConn.getByTestId('tree-table-public.struct_demo').hover()
  await pgConn.getByTestId('tree-structure-public.struct_demo').click()
  await expect(page.getByTestId('structure-title')).toHaveText('struct_demo')
  await editStructure(page, app, '54-structure-edit-postgres')
  await app.runSqlOn('PostgreSQL playground', 'SELECT count(*) AS n, min(headline) AS first FROM struct_demo')
  await expect(page.getByRole('row', { name: '1 3 a' })).toBeVisible()
  await app.runSqlOn('PostgreSQL playground', 'DROP TABLE struct_demo')
})
