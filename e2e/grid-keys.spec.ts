import { expect, test, type Page } from '@playwright/test'
import { AppPage } from './pages/app-page'

// The grid's keyboard, as a spreadsheet taught people to expect. Nothing here is committed: each
// test discards its edits, so other specs see the sample as it was.

const cell = (page: Page, id: number, col: number) =>
  page.getByTestId('data-grid').locator(`[data-testid="row-[${id}]"] .g-cell`).nth(col)

async function discard(page: Page) {
  if ((await page.getByTestId('pending-count').count()) === 0) return
  page.once('dialog', (d) => d.accept())
  await page.getByTestId('discard').click()
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
}

test.beforeEach(async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openData('cities')
})

test('typing on a selected cell replaces its value with exactly what was typed, at human speed; Enter commits and moves down', async ({
  page,
}) => {
  await cell(page, 1, 2).click()
  await page.keyboard.type('Moscow', { delay: 90 })
  await expect(page.getByTestId('cell-editor')).toHaveValue('Moscow')
  await page.keyboard.press('Enter')
  await expect(cell(page, 1, 2)).toHaveText('Moscow')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  // The selection moved down a row, ready for the next value.
  await expect(page.getByTestId('selected-cell')).toHaveText(await cell(page, 2, 2).innerText())
  await new AppPage(page).screenshot('62-grid-type-to-replace')
  await discard(page)
})

test('Esc cancels the cell edit: nothing is staged', async ({ page }) => {
  const before = await cell(page, 2, 2).innerText()
  await cell(page, 2, 2).click()
  await page.keyboard.type('oops')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('cell-editor')).toHaveCount(0)
  await expect(cell(page, 2, 2)).toHaveText(before)
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
})

test('Tab and Shift+Tab commit and move right and left; F2 edits with the caret at the end', async ({ page }) => {
  const name = await cell(page, 1, 2).innerText()
  await cell(page, 1, 2).click()
  await page.keyboard.press('F2')
  await page.keyboard.type(' city')
  await page.keyboard.press('Tab')
  await expect(cell(page, 1, 2)).toHaveText(`${name} city`)
  await expect(page.getByTestId('selected-cell')).toHaveText(await cell(page, 1, 3).innerText())
  await page.keyboard.type('37.5')
  await page.keyboard.press('Shift+Tab')
  await expect(cell(page, 1, 3)).toHaveText('37.5')
  await expect(page.getByTestId('selected-cell')).toHaveText(`${name} city`)
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await discard(page)
})

test('Ctrl+Z undoes staged edits one action at a time; Ctrl+Shift+Z and Ctrl+Y redo', async ({ page }) => {
  const a = await cell(page, 1, 2).innerText()
  const b = await cell(page, 2, 2).innerText()
  await cell(page, 1, 2).click()
  await page.keyboard.type('First')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Second')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending')
  await page.keyboard.press('Control+z')
  await expect(cell(page, 2, 2)).toHaveText(b)
  await expect(cell(page, 1, 2)).toHaveText('First')
  await page.keyboard.press('Control+z')
  await expect(cell(page, 1, 2)).toHaveText(a)
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  await page.keyboard.press('Control+Shift+z')
  await expect(cell(page, 1, 2)).toHaveText('First')
  await page.keyboard.press('Control+y')
  await expect(cell(page, 2, 2)).toHaveText('Second')
  await discard(page)
})

test('Shift+arrows select a range; Ctrl+D fills it down from its top row, as one action', async ({ page }) => {
  const top = await cell(page, 1, 3).innerText()
  const second = await cell(page, 2, 3).innerText()
  await cell(page, 1, 3).click()
  await page.keyboard.press('Shift+ArrowDown')
  await page.keyboard.press('Shift+ArrowDown')
  await page.keyboard.press('Control+d')
  await expect(cell(page, 2, 3)).toHaveText(top)
  await expect(cell(page, 3, 3)).toHaveText(top)
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending')
  await page.keyboard.press('Control+z')
  await expect(cell(page, 2, 3)).toHaveText(second)
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
})

test('a range copied with Ctrl+C and pasted with Ctrl+V is one action; Delete empties what may be empty', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await cell(page, 1, 2).click()
  await cell(page, 2, 3).click({ modifiers: ['Shift'] })
  await page.keyboard.press('Control+c')
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied.split('\n')).toHaveLength(2)
  await cell(page, 3, 2).click()
  await page.keyboard.press('Control+v')
  // Two lines at the last row: it changes, and a new row takes the second.
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending')
  await expect(cell(page, 3, 2)).toHaveText(copied.split('\n')[0].split('\t')[0])
  await page.keyboard.press('Control+z')
  await expect(page.getByTestId('pending-count')).toHaveCount(0)
  // name is NOT NULL text: Delete makes it empty; the numbers cannot be NULL and stay.
  await cell(page, 3, 2).click()
  await cell(page, 3, 3).click({ modifiers: ['Shift'] })
  await page.keyboard.press('Delete')
  await expect(cell(page, 3, 2)).toHaveText('')
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending')
  await discard(page)
})

test('double-clicking a column border sizes the column to its values', async ({ page }) => {
  const header = page.getByTestId('data-grid').locator('.gh-cell').nth(2)
  const before = (await header.boundingBox())!.width
  await page.getByTestId('resize-name').dblclick()
  await expect.poll(async () => (await header.boundingBox())!.width).not.toBe(before)
})
