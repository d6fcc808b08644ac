import { expect, test } from '@playwright/test'
import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppPage } from './pages/app-page'

// Web mode: files cross between the browser and the host without typing host paths.

test('an export downloads in the browser', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('cities')
  await page.getByTestId('open-export').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()])
  expect(download.suggestedFilename()).toMatch(/^cities-.*\.csv$/)
  const text = readFileSync((await download.path())!, 'utf8')
  expect(text.split('\n')[0]).toBe('id,name,longitude,latitude,created_at,updated_at')
  expect(text.split('\n').filter(Boolean)).toHaveLength(4)
  await expect(page.getByTestId('export-progress')).toContainText('downloaded as cities-')
})

test('a SQLite database and a CSV uploaded from this computer: the database opens, the CSV goes into its table, the database downloads back', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-upload-'))
  const dbPath = join(dir, 'shop.sqlite')
  const db = new Database(dbPath)
  db.exec("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL); INSERT INTO items VALUES (1, 'kept');")
  db.close()
  const app = new AppPage(page)
  await app.open()
  await page.getByTestId('welcome-file-input').setInputFiles(dbPath)
  await expect(page.getByTestId('connection-sample')).toBeVisible()
  const conn = page.locator('.conn', { hasText: 'shop.sqlite' })
  await expect(conn.getByTestId('tree-table-items')).toBeVisible()
  await conn.getByTestId('tree-table-items').click()
  await expect(page.getByTestId('row-count')).toHaveText('1 rows')
  await page.getByTestId('open-import').click()
  await page.getByTestId('import-file').setInputFiles({
    name: 'items.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('id,name\n2,uploaded\n3,also uploaded\n'),
  })
  await page.getByTestId('import-preview').click()
  await page.getByTestId('import-start').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 2 rows')
  await page.getByTestId('import-dialog').getByText('Close', { exact: true }).click()
  await expect(page.getByTestId('row-count')).toHaveText('3 rows')
  await app.screenshot('65-uploaded-database')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    conn.locator('[data-testid^="download-db-"]').click(),
  ])
  const copy = new Database((await download.path())!, { readonly: true })
  expect(copy.prepare('SELECT name FROM items ORDER BY id').all()).toEqual([
    { name: 'kept' },
    { name: 'uploaded' },
    { name: 'also uploaded' },
  ])
  copy.close()
})

test('a CSV dropped on the window opens in the normalization wizard', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  const drop = await page.evaluateHandle(() => {
    const dt = new DataTransfer()
    dt.items.add(
      new File(['employee,department,city\nIvan,IT,Moscow\nOlga,HR,Kazan\nPetr,IT,Moscow\n'], 'staff.csv', {
        type: 'text/csv',
      }),
    )
    return dt
  })
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: drop })
  await expect(page.getByTestId('drop-zone')).toBeVisible()
  await page.dispatchEvent('body', 'drop', { dataTransfer: drop })
  await expect(page.getByTestId('drop-zone')).toHaveCount(0)
  await expect(page.getByTestId('tab-Normalize staff (CSV)')).toBeVisible()
})
