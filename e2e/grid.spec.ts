import { expect, test } from '@playwright/test'
import { AppPage } from './pages/app-page'

test('browse a large table: scroll, jump to the end, sort, filter', async ({ page }) => {
  const app = new AppPage(page)
  // Pages of rows reach the renderer as binary columnar frames (see src-shared/columnar-reply.ts).
  let binaryFrames = 0
  page.on('websocket', (ws) => ws.on('framereceived', (f) => void (typeof f.payload !== 'string' && binaryFrames++)))
  await app.open()
  await app.runSql(
    "CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i AS id, 'name ' || (i % 1000) AS name, i % 7 AS bucket FROM n",
  )
  await app.runSql('CREATE UNIQUE INDEX big_id ON big (id)')
  await page.getByTitle('Refresh schema').first().click()
  await app.openData('big')
  await expect(page.getByTestId('row-count')).toHaveText('200,000 rows')
  const grid = page.getByTestId('data-grid')
  await expect(grid).toContainText('name 1')
  expect(binaryFrames).toBeGreaterThan(0)
  // Jump to the end of the table: the last rows appear without reading the rest.
  await grid.click({ position: { x: 80, y: 50 } })
  await page.keyboard.press('Control+End')
  await expect(grid.locator('.grid-row .g-cell.rownum').filter({ hasText: /^200000$/ })).toBeVisible()
  await app.screenshot('20-grid-end-of-large-table')
  // 200,000 rows scroll in proportion (the scroll area is capped), yet a wheel notch moves as many
  // rows as it would in a short table: 280 px is 10 rows of 28.
  const lastVisible = () =>
    grid.evaluate((el) => {
      const bottom = el.getBoundingClientRect().bottom
      const nums = [...el.querySelectorAll('.grid-row')]
        .filter((r) => r.getBoundingClientRect().bottom <= bottom + 1)
        .map((r) => Number(r.querySelector('.rownum')?.textContent))
      return Math.max(...nums)
    })
  const atEnd = await lastVisible()
  const box = (await grid.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.wheel(0, -280)
  await expect.poll(lastVisible).toBeLessThan(atEnd)
  expect(atEnd - (await lastVisible())).toBeGreaterThanOrEqual(8)
  expect(atEnd - (await lastVisible())).toBeLessThanOrEqual(12)
  // Scroll to the middle.
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight / 2))
  await expect(
    grid
      .locator('.grid-row .g-cell.rownum')
      .filter({ hasText: /^10\d{4}$/ })
      .first(),
  ).toBeVisible()
  // Sort by a column (done by the database): highest bucket first.
  await page.getByTestId('col-bucket').click()
  await page.getByTestId('col-bucket').click()
  await expect(page.getByTestId('col-bucket')).toContainText('▼')
  await grid.evaluate((el) => (el.scrollTop = 0))
  await expect(grid.locator('.grid-row').first()).toContainText('6')
  // Filter: bucket = 3 AND name LIKE 'name 10%'.
  await page.getByTestId('toggle-filter').click()
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-col-0').selectOption('bucket')
  await page.getByTestId('filter-value-0').fill('3')
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-col-1').selectOption('name')
  await page.getByTestId('filter-op-1').selectOption('like')
  await page.getByTestId('filter-value-1').fill('name 10%')
  await page.getByTestId('filter-apply').click()
  await expect(page.getByTestId('row-count')).toHaveText(/^[\d,]+ rows$/)
  const n = Number((await page.getByTestId('row-count').innerText()).replace(/[^\d]/g, ''))
  expect(n).toBeGreaterThan(0)
  expect(n).toBeLessThan(5000)
  await app.screenshot('21-grid-sorted-filtered')
})

test('edit a cell, review the SQL, commit, and see it after a reload', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('cities')
  const grid = page.getByTestId('data-grid')
  const row = grid.locator('[data-testid="row-[2]"]')
  await row.locator('.g-cell').nth(2).dblclick()
  const editor = page.getByTestId('cell-editor')
  await editor.fill('Санкт-Петербург (СПб)')
  await editor.press('Enter')
  await expect(row.locator('.g-cell.changed')).toHaveText('Санкт-Петербург (СПб)')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  // A wrong type is refused by the editor with a reason.
  await row.locator('.g-cell').nth(3).dblclick()
  await page.getByTestId('cell-editor').fill('east')
  await page.getByTestId('cell-editor').press('Enter')
  await expect(page.locator('.editor-error')).toContainText('not a number')
  await page.getByTestId('cell-editor').press('Escape')
  await page.getByTestId('review').click()
  await expect(page.getByTestId('review-sql')).toContainText('UPDATE "cities" SET "name" = ? WHERE "id" = ?')
  await app.screenshot('22-grid-review')
  await page.getByTestId('review-commit').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  await page.reload()
  await app.openData('cities')
  await expect(page.getByTestId('data-grid').locator('[data-testid="row-[2]"]')).toContainText('Санкт-Петербург (СПб)')
})

test('a failing commit keeps the edit and shows the database error on the row', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('users')
  const grid = page.getByTestId('data-grid')
  const row = grid.locator('[data-testid="row-[2]"]')
  await row.locator('.g-cell').nth(3).dblclick()
  await page.getByTestId('cell-editor').fill('ivan')
  await page.getByTestId('cell-editor').press('Enter')
  // Sorting keeps the pending edit.
  await page.getByTestId('col-name').click()
  await page.getByTestId('commit').click()
  await expect(page.getByTestId('grid-error')).toContainText('CONSTRAINT_VIOLATION')
  await expect(page.getByTestId('grid-error')).toContainText('every pending edit is kept')
  await expect(grid.locator('.grid-row.failed')).toContainText('ivan')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await app.screenshot('23-grid-failed-commit')
  // Fix it and commit again.
  await grid.locator('.grid-row.failed .g-cell.changed').dblclick()
  await page.getByTestId('cell-editor').fill('olga_new')
  await page.getByTestId('cell-editor').press('Enter')
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  await expect(grid).toContainText('olga_new')
})

test('related rows through the relationships, and what a delete will cascade to', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('users')
  const grid = page.getByTestId('data-grid')
  await grid.locator('[data-testid="row-[3]"] .g-cell').nth(2).click()
  await page.getByTestId('toggle-related').click()
  await expect(page.getByTestId('related-posts')).toContainText('Normal forms')
  await expect(page.getByTestId('related-posts')).toContainText('WHERE "posts"."user_id" IN')
  await page.getByTestId('related-strategy').selectOption('joined')
  await expect(page.getByTestId('related-posts')).toContainText('LEFT OUTER JOIN')
  await expect(page.getByTestId('related-cities')).toContainText('Казань')
  await app.screenshot('26-related-rows')
  await page.getByTestId('delete-row').click()
  const confirm = page.getByTestId('delete-confirm')
  await expect(confirm).toContainText('2 rows in posts are deleted')
  await expect(confirm).toContainText('city_user')
  await app.screenshot('27-delete-cascade-preview')
  await page.getByTestId('delete-confirm-ok').click()
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await page.getByTestId('review').click()
  await expect(page.getByTestId('review-sql')).toContainText('DELETE FROM "users" WHERE "id" = ?')
  await page.getByText('Keep editing').click()
  page.once('dialog', (d) => d.accept())
  await page.getByTestId('discard').click()
})

test('columns can be hidden and reordered without reloading rows', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('cities')
  await page.getByTestId('toggle-columns').click()
  await page.getByTestId('show-longitude').uncheck()
  await expect(page.getByTestId('col-longitude')).toHaveCount(0)
  await page.getByTestId('columns-popover').locator('.col-item', { hasText: 'name' }).getByTitle('Move left').click()
  await expect(page.locator('.gh-cell').nth(1)).toHaveAttribute('data-testid', 'col-name')
  await expect(page.getByTestId('toggle-columns')).toHaveText('Columns (1 hidden)')
})

test('a cell back to its DEFAULT, a BLOB from a file, a column dragged into place, and the session behind the edits', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql(
    "CREATE TABLE attachments (id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT 'untitled', data BLOB)",
  )
  await app.runSql("INSERT INTO attachments (id, label, data) VALUES (1, 'scan', x'00ff')")
  await page.getByTitle('Refresh schema').first().click()
  await app.openData('attachments')
  const grid = page.getByTestId('data-grid')
  const row = grid.locator('[data-testid="row-[1]"]')
  // DEFAULT: the label goes back to the column default at commit.
  await row.locator('.g-cell').nth(2).click()
  await page.getByTestId('set-default').click()
  await expect(row.locator('.g-cell.changed')).toContainText("DEFAULT 'untitled'")
  // BLOB from a file, through the editor's Load file… button.
  await row.locator('.g-cell').nth(3).dblclick()
  const chooser = page.waitForEvent('filechooser')
  await page.getByTestId('blob-from-file').click()
  await (
    await chooser
  ).setFiles({ name: 'logo.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0xca, 0xfe, 0xba, 0xbe]) })
  await expect(row.locator('.g-cell.changed').nth(1)).toContainText(/cafebabe/i)
  // The session behind the edits: one dirty object, nothing flushed yet.
  await page.getByTestId('toggle-session').click()
  await expect(page.getByTestId('session-dirty')).toContainText('attachments(1)')
  await expect(page.getByTestId('session-caption')).toHaveText('Pending edits: not flushed yet')
  // Drag the data column before the label column.
  await page.getByTestId('col-data').dragTo(page.getByTestId('col-label'), { targetPosition: { x: 4, y: 10 } })
  await expect(page.locator('.gh-cell').nth(2)).toHaveAttribute('data-testid', 'col-data')
  await app.screenshot('28-grid-session-pending-default-blob')
  await page.getByTestId('review').click()
  await expect(page.getByTestId('review-sql')).toContainText(
    `UPDATE "attachments" SET "label" = ('untitled'), "data" = ? WHERE "id" = ?`,
  )
  await expect(page.getByTestId('session-log')).toContainText('ROLLBACK')
  await app.screenshot('28b-grid-review-default-blob')
  await page.getByTestId('review-commit').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  await expect(page.getByTestId('session-caption')).toHaveText('Last commit')
  await expect(page.getByTestId('session-dirty')).toContainText('empty')
  await expect(row).toContainText('untitled')
  await expect(row).toContainText(/cafebabe/i)
})

test('a query result that maps to one table key is edited in place; others say why they are read-only', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql('SELECT count(*) AS n FROM cities')
  await expect(page.getByTestId('result-read-only')).toHaveText('Read-only: n is computed, not read from a table')
  await app.typeSql('SELECT id, name FROM cities WHERE id IN (3, 4) ORDER BY name')
  await page.keyboard.press('Control+Enter')
  const grid = page.getByTestId('result-grid')
  await expect(page.getByTestId('result-source')).toContainText('rows of cities by id')
  const row = grid.locator('[data-testid="row-[3]"]')
  await row.locator('.g-cell').nth(2).dblclick()
  await page.getByTestId('cell-editor').fill('Нижний Новгород (edited)')
  await page.getByTestId('cell-editor').press('Enter')
  await expect(page.getByTestId('result-pending-count')).toHaveText('1 pending')
  await app.screenshot('29-query-result-editable')
  await page.getByTestId('result-review').click()
  await expect(page.getByTestId('review-sql')).toContainText('UPDATE "cities" SET "name" = ? WHERE "id" = ?')
  await page.getByTestId('review-commit').click()
  await expect(page.getByTestId('result-pending-count')).toHaveCount(0)
  // The statement ran again: the committed value comes back from the database.
  await expect(grid.locator('[data-testid="row-[3]"]')).toContainText('Нижний Новгород (edited)')
  await expect(grid.locator('.g-cell.changed')).toHaveCount(0)
})

test('go to row N, and filter by groups of conditions: (a AND b) OR (c AND d)', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql('CREATE TABLE nums (id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL, code TEXT NOT NULL)')
  await app.runSql(
    "INSERT INTO nums WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i, i % 7, printf('%05d', i) FROM n",
  )
  await page.getByTitle('Refresh schema').first().click()
  await app.openData('nums')
  await expect(page.getByTestId('row-count')).toHaveText('5,000 rows')
  await page.keyboard.press('Control+g')
  await page.keyboard.type('3700')
  await page.keyboard.press('Enter')
  const grid = page.getByTestId('data-grid')
  await expect(grid.locator('.grid-row', { has: page.locator('.g-cell.rownum', { hasText: /^3700$/ }) })).toContainText(
    '03700',
  )
  await page.getByTestId('toggle-filter').click()
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-col-0').selectOption('bucket')
  await page.getByTestId('filter-value-0').fill('3')
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-col-1').selectOption('id')
  await page.getByTestId('filter-op-1').selectOption('<')
  await page.getByTestId('filter-value-1').fill('100')
  await page.getByTestId('filter-add-group').click()
  await page.getByTestId('filter-col-2').selectOption('bucket')
  await page.getByTestId('filter-value-2').fill('5')
  await page.getByTestId('filter-add').click()
  await page.getByTestId('filter-col-3').selectOption('id')
  await page.getByTestId('filter-op-3').selectOption('<')
  await page.getByTestId('filter-value-3').fill('100')
  await page.getByTestId('filter-apply').click()
  // bucket 3 below 100: 3, 10, ..., 94 (14 rows); bucket 5: 5, 12, ..., 96 (14 rows).
  await expect(page.getByTestId('row-count')).toHaveText('28 rows')
  // A value that is not of the column's type is refused before anything runs.
  await page.getByTestId('filter-value-0').fill('three')
  await page.getByTestId('filter-apply').click()
  await expect(page.getByTestId('filter-error')).toContainText('bucket: "three" is not a whole number')
  await app.screenshot('25b-grid-filter-groups')
})
