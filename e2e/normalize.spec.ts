import { expect, test } from '@playwright/test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppPage } from './pages/app-page'

test('normalize the employee/department example to 3NF: discover, diagnose, propose, apply, keep a view', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openStructure('employee_departments')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  // Earlier specs may have added employees to the shared sample: count them as the wizard does.
  const kicker = page.getByTestId('normalize-tab').locator('.struct-kicker')
  await expect(kicker).toContainText(/\d+ rows/)
  const n = Number(/(\d+) rows/.exec(await kicker.innerText())![1])

  // The diagnosis: 2NF, broken by the transitive dependency through the department.
  await expect(page.getByTestId('normalize-form')).toContainText('2NF')
  await expect(page.getByTestId('normalize-violations')).toContainText(
    'city depends on department_id, which is not a key',
  )
  // The accidental name -> city (two Ivans, both in Moscow) is listed but not accepted.
  const fds = page.getByTestId('normalize-fds')
  await expect(fds.getByLabel('Accept name → city')).not.toBeChecked()
  await expect(fds.getByLabel('Accept department_id → city')).toBeChecked()
  // The diagnosis follows what is accepted: the accident is not listed as a 3NF problem.
  await expect(page.getByTestId('normalize-violations')).not.toContainText('city depends on name')
  await app.screenshot('40-normalize-diagnosis')

  // A dependency typed by hand that the data breaks is refused with a clear error and nothing else changes.
  await page.getByLabel('Add a dependency').fill('nope -> city')
  await page.getByLabel('Add a dependency').press('Enter')
  await expect(page.getByTestId('normalize-error')).toContainText('No column nope')

  await page.getByTestId('normalize-propose').click()
  const proposal = page.getByTestId('normalize-proposal')
  await expect(proposal.getByTestId('proposed-departments')).toContainText('3 rows')
  await expect(proposal.getByTestId('proposed-departments')).toContainText('Санкт-Петербург')
  await expect(proposal.getByTestId('proposed-employees')).toContainText('(department_id) → departments')
  await expect(page.getByTestId('normalize-lossless')).toHaveText('Lossless on the rows')
  await expect(proposal).toContainText('Every dependency preserved')
  // The split drawn as the designer draws a schema: both tables, the key and the foreign key.
  const diagram = page.getByTestId('normalize-diagram')
  await expect(diagram.locator('.nf-diagram-svg svg')).toContainText('departments')
  await expect(diagram.locator('.nf-diagram-svg svg')).toContainText('employees')
  await diagram.scrollIntoViewIfNeeded()
  await app.screenshot('41a-normalize-proposal-diagram')
  await page.getByTestId('normalize-apply').scrollIntoViewIfNeeded()
  await app.screenshot('41-normalize-proposal')

  await expect(page.getByTestId('normalize-keep-view')).toBeChecked()
  await page.getByTestId('normalize-apply').click()
  await expect(page.getByTestId('normalize-applied')).toContainText(
    `Created departments (3 rows), employees (${n} rows); employee_departments is now a view. Joining them gives back all ${n} rows.`,
  )
  // The new tables are in the tree, and the old name is a view.
  await expect(app.tree('employees')).toBeVisible()
  await expect(app.tree('departments')).toBeVisible()
  await expect(page.getByRole('group', { name: 'Views' }).getByTestId('tree-table-employee_departments')).toBeVisible()
  await app.screenshot('42-normalize-applied')
  // The new tables join the database's model in the designer.
  await page.getByTestId('normalize-applied-designer').click()
  await expect(page.getByTestId('dz-table-departments')).toBeVisible()
  await expect(page.getByTestId('dz-table-employees')).toBeVisible()

  // Existing queries still work through the view.
  await app.openData('employee_departments')
  await expect(page.getByTestId('row-count')).toHaveText(`${n} rows`)
  await expect(page.getByTestId('data-grid')).toContainText('Санкт-Петербург')
})

test('phones in one cell: the wizard says not 1NF and moves each phone to a row of its own', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  await app.openStructure('phone_book')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-form')).toContainText('not 1NF')
  await expect(page.getByTestId('normalize-violations')).toContainText(
    'phones holds several values in one cell (e.g. "111-222, 333-444")',
  )
  await expect(page.getByRole('radio', { name: '1NF' })).toHaveAttribute('aria-checked', 'true')
  await page.getByTestId('normalize-propose').click()
  await expect(page.getByTestId('proposed-phones')).toContainText('333-444')
  await page.getByTestId('normalize-apply').scrollIntoViewIfNeeded()
  await app.screenshot('43-normalize-1nf-proposal')
  await page.getByTestId('normalize-apply').click()
  await expect(page.getByTestId('normalize-applied')).toContainText('Created phones (3 rows)')
  await expect(app.tree('phones')).toBeVisible()
  // The wizard goes on with the new table: now in 1NF, and further.
  await page.getByTestId('normalize-next-phones').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-steps').locator('li.reached').first()).toHaveText('✓ 1NF')
  await app.screenshot('43b-normalize-next-step')
})

test('a table too big to read whole is discovered on a sample, and the database checks every finding', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql(
    'CREATE TABLE orders_big (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL, region TEXT NOT NULL, amount INTEGER NOT NULL)',
  )
  await app.runSql(
    "INSERT INTO orders_big WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000) SELECT i, i % 5000, 'region ' || (i % 5000 % 7), i % 97 FROM n",
  )
  await page.getByTitle('Refresh schema').first().click()
  await app.openStructure('orders_big')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-sample')).toContainText('250,000 rows', { timeout: 60_000 })
  await expect(page.getByTestId('normalize-sample')).toContainText('random sample of 50,000 rows')
  await expect(page.getByTestId('normalize-fds').getByLabel('Accept customer → region')).toBeVisible()
  await expect(page.getByTestId('normalize-form')).toContainText('2NF')
  await app.screenshot('42-normalize-large-table-sample')
})

test('discovery runs on a worker thread with a progress bar, and Cancel stops it', async ({ page }) => {
  const app = new AppPage(page)
  await app.open()
  const cols = Array.from({ length: 18 }, (_, i) => `abs(random()) % ${20 + i} AS c${i}`).join(', ')
  await app.runSql(
    `CREATE TABLE wide_noise AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) SELECT i AS id, ${cols} FROM n`,
  )
  await page.getByTitle('Refresh schema').first().click()
  await app.openStructure('wide_noise')
  await page.getByTestId('structure-normalize').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-progress')).toContainText('Discovering on a worker thread', {
    timeout: 30_000,
  })
  await app.screenshot('43-normalize-progress')
  await page.getByTestId('normalize-cancel').click()
  await expect(page.getByTestId('normalize-error')).toContainText('Discovery cancelled')
  await expect(page.getByTestId('normalize-progress')).toHaveCount(0)
})

test('a CSV file: its dependencies, normal form and split, on paper', async ({ page }) => {
  const app = new AppPage(page)
  const path = join(mkdtempSync(join(tmpdir(), 'schemist-e2e-csv-')), 'orders.csv')
  const lines = ['order_id,customer,customer_city,product,qty']
  for (let i = 1; i <= 40; i++) lines.push(`${i},c${i % 6},city ${(i % 6) % 3},p${i % 5},${(i * 7) % 11}`)
  writeFileSync(path, lines.join('\n') + '\n')
  await app.open()
  await page.getByTestId('connection-sample').click()
  await page.getByTestId('welcome-normalize-csv').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-ok').click()
  await page.getByTestId('normalize-discover').click()
  await expect(page.getByTestId('normalize-fds').getByLabel('Accept customer → customer_city')).toBeVisible()
  await page.getByTestId('normalize-propose').click()
  await expect(page.getByTestId('normalize-diagram').locator('.nf-diagram-svg svg')).toContainText('customer_city')
  await expect(page.getByTestId('normalize-csv-note')).toContainText('import the file into a table')
  // A proposed table renamed: the proposal, its diagram and its SQL follow.
  const firstName = page.getByTestId('normalize-proposal').locator('.nf-name').first()
  await firstName.fill('clients')
  await firstName.press('Enter')
  await expect(page.getByTestId('normalize-diagram').locator('.nf-diagram-svg svg')).toContainText('clients')
  await expect(page.getByTestId('rename-clients')).toHaveValue('clients')
  await app.screenshot('44-normalize-csv')
  // What was guessed is shown; told that the first line is data, the columns become column1..N and discovery runs again.
  await expect(page.getByTestId('normalize-csv-header').locator('option').first()).toHaveText('guess (names)')
  await expect(page.getByTestId('normalize-csv-separator').locator('option').first()).toHaveText('guess (comma)')
  await page.getByTestId('normalize-csv-header').selectOption('false')
  await expect(page.getByTestId('normalize-fds').getByLabel('Accept column2 → column3')).toBeVisible()
  await expect(page.getByTestId('normalize-tab')).toContainText('41 rows, 5 columns')
  await page.getByTestId('normalize-csv-header').scrollIntoViewIfNeeded()
  await app.screenshot('44b-normalize-csv-read-as')
})
