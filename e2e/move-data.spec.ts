import { expect, test } from '@playwright/test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppPage } from './pages/app-page'

test('copy cells as TSV and paste them back as pending edits', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const app = new AppPage(page)
  await app.open()
  await app.openData('cities')
  const grid = page.getByTestId('data-grid')
  await grid.locator('[data-testid="row-[1]"] .g-cell').nth(2).click()
  await grid
    .locator('[data-testid="row-[3]"] .g-cell')
    .nth(3)
    .click({ modifiers: ['Shift'] })
  await page.keyboard.press('Control+c')
  // What was copied is what the grid shows (other tests may have renamed a city).
  const shown = await Promise.all(
    [1, 2, 3].map(async (id) => {
      const cells = grid.locator(`[data-testid="row-[${id}]"] .g-cell`)
      return `${await cells.nth(2).innerText()}\t${await cells.nth(3).innerText()}`
    }),
  )
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown.join('\n'))
  expect(shown[0]).toBe('Москва\t37.6173')
  await page.evaluate(() => navigator.clipboard.writeText('Moscow\t37.5\nSaint Petersburg\t30.3'))
  await grid.locator('[data-testid="row-[1]"] .g-cell').nth(2).click()
  await page.keyboard.press('Control+v')
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending')
  await expect(grid.locator('[data-testid="row-[2]"] .g-cell.changed').first()).toHaveText('Saint Petersburg')
  await app.screenshot('24-grid-paste')
  page.once('dialog', (d) => d.accept())
  await page.getByTestId('discard').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
})

test('export the filtered view to CSV, and import a CSV with a bad row (nothing written) then a good one', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('employee_departments')
  await page.getByTestId('toggle-filter').click()
  await page.getByTestId('raw-where').fill("city = 'Москва'")
  await page.getByTestId('filter-apply').click()
  await expect(page.getByTestId('row-count')).toHaveText('4 rows')
  await page.getByTestId('open-export').click()
  const dir = mkdtempSync(join(tmpdir(), 'schemist-e2e-export-'))
  const out = join(dir, 'moscow.csv')
  await page.getByTestId('export-path').fill(out)
  await page.getByTestId('export-start').click()
  await expect(page.getByTestId('export-progress')).toContainText('Done: 4 rows')
  expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('employee_id,name,department_id,department,city')
  await page.getByTestId('export-dialog').getByText('Close', { exact: true }).click()

  const csv = join(dir, 'new-staff.csv')
  writeFileSync(csv, 'name,department_id,department,city\nНиколай,10,IT,Москва\nЕлена,двадцать,HR,Санкт-Петербург\n')
  await page.getByTestId('open-import').click()
  await page.getByTestId('import-path').fill(csv)
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('map-department_id')).toHaveValue('1')
  await page.getByTestId('import-start').click()
  await expect(page.getByTestId('import-result')).toContainText('Nothing was imported')
  await expect(page.getByTestId('import-result')).toContainText(
    'row 2, department_id = "двадцать": "двадцать" is not a whole number',
  )
  await app.screenshot('25-import-bad-row')
  writeFileSync(csv, 'name,department_id,department,city\nНиколай,10,IT,Москва\nЕлена,20,HR,Санкт-Петербург\n')
  await page.getByTestId('import-preview').click()
  await page.getByTestId('import-start').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 2 rows')
  await page.getByTestId('import-dialog').getByText('Close', { exact: true }).click()
  await expect(page.getByTestId('row-count')).toHaveText('5 rows')
})
