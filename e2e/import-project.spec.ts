import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { AppPage } from './pages/app-page'

const SHOP = join(__dirname, '../src-main/model/sqlalchemy/fixtures/shop')

test('imports a SQLAlchemy package by its folder and shows what was read, approximated and left out', async ({
  page,
}) => {
  const app = new AppPage(page)
  page.on('dialog', (d) => void d.accept())
  await app.open()
  await page.getByTestId('connection-sample').click()
  await page.getByTestId('welcome-designer').click()
  await page.getByRole('button', { name: 'Import…' }).click()
  // A folder is an answer: no "expected a file" warning for it.
  await page.getByTestId('path-input').fill(SHOP)
  await expect(page.getByText(/Expected a file ending/)).toHaveCount(0)
  await page.getByTestId('path-ok').click()

  const report = page.getByTestId('import-report')
  await expect(report).toBeVisible()
  await expect(report.getByRole('heading', { name: 'Imported 12 tables from shop' })).toBeVisible()
  await expect(page.getByTestId('import-read')).toContainText('12 tables from 12 modules')
  await expect(page.getByTestId('import-read')).toContainText('naming convention from Base.metadata')
  await expect(page.getByTestId('import-approximated')).toContainText(
    'orders.status: OrderStatus is read as varchar(7) with a CHECK of its names',
  )
  await expect(page.getByTestId('import-approximated')).toContainText('orders.py:19')
  await expect(page.getByTestId('import-skipped')).toContainText(
    'default computed in Python (OrderStatus.NEW) is not kept',
  )
  await app.screenshot('49c-import-report')
  await page.getByTestId('import-report-ok').click()
  await expect(report).toHaveCount(0)

  // The project on the canvas: tables from every module, relationships drawn.
  for (const t of [
    'users',
    'orders',
    'order_lines',
    'products',
    'categories',
    'product_tags',
    'employees',
    'engineers',
    'suppliers',
  ])
    await expect(page.getByTestId(`dz-table-${t}`)).toBeVisible()
  await page.getByTestId('dz-layout').click()
  await app.waitUntilStill(page.getByTestId('dz-table-users'))
  await app.screenshot('49d-imported-project')
  // Undo (the layout, then the import) brings back the empty model.
  await page.getByTestId('dz-undo').click()
  await page.getByTestId('dz-undo').click()
  await expect(page.getByTestId('dz-table-users')).toHaveCount(0)
})

test('a package folder chosen in the browser is sent whole and read as one project', async ({ page }) => {
  const app = new AppPage(page)
  page.on('dialog', (d) => void d.accept())
  await app.open()
  await page.getByTestId('connection-sample').click()
  await page.getByTestId('welcome-designer').click()
  await page.getByRole('button', { name: 'Import…' }).click()
  await page.getByTestId('path-upload-folder-input').setInputFiles(SHOP)
  await expect(page.getByTestId('import-report')).toBeVisible()
  await expect(page.getByTestId('import-read')).toContainText('12 tables from 12 modules')
  await page.getByTestId('import-report-ok').click()
  await expect(page.getByTestId('dz-table-order_lines')).toBeVisible()
})
