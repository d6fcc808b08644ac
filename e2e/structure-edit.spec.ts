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

test('structure edited in place on SQLite: an index, a unique pair, a check and a foreign key added, a column moved', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.runSql('CREATE TABLE owners (id integer PRIMARY KEY, name text)')
  await app.runSql("INSERT INTO owners (name) VALUES ('Ann'), ('Bob')")
  await app.runSql('CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL, kind text, owner_id integer)')
  await app.runSql("INSERT INTO pets (name, kind, owner_id) VALUES ('Rex', 'dog', 1), ('Tom', 'cat', 2)")
  await app.openStructure('pets')
  await page.getByTestId('structure-edit').click()
  await expect(page.getByTestId('edit-col-name-2')).toHaveValue('kind')
  // An index on a column the table does not have is refused before it is staged.
  await page.getByTestId('index-columns').fill('nmae')
  await expect(page.getByTestId('index-add')).toBeDisabled()
  await page.getByTestId('index-columns').fill('name')
  await page.getByTestId('index-add').click()
  await expect(page.getByTestId('index-list')).toContainText('ix_pets_name (name)')
  await page.getByTestId('unique-columns').fill('name, kind')
  await page.getByTestId('unique-add').click()
  await page.getByTestId('check-expression').fill("kind IN ('cat', 'dog')")
  await page.getByTestId('check-add').click()
  await page.getByTestId('fk-column').selectOption({ label: 'owner_id' })
  await page.getByTestId('fk-target').selectOption({ label: 'owners' })
  await page.getByTestId('fk-add').click()
  await expect(page.getByTestId('fk-list')).toContainText('(owner_id) → owners(id)')
  // Alt+↑ moves the column whose field has the focus: kind goes before name.
  await page.getByTestId('edit-col-name-2').focus()
  await page.keyboard.press('Alt+ArrowUp')
  await expect(page.getByTestId('edit-col-name-1')).toHaveValue('kind')
  await expect(page.getByTestId('edit-col-name-1')).toBeFocused()
  await page.getByTestId('edit-preview').click()
  const plan = page.getByTestId('edit-plan')
  for (const line of [
    'reorder columns of pets: id, kind, name, owner_id',
    'add foreign key pets(owner_id) → owners',
    'add unique (name, kind) on pets',
    "add check (kind IN ('cat', 'dog')) on pets",
    'create index ix_pets_name',
  ])
    await expect(plan).toContainText(line)
  // SQLite cannot add these by ALTER TABLE: the table is rebuilt, its rows copied.
  await expect(page.getByTestId('edit-plan-sql')).toContainText('_schemist_new_pets')
  await app.screenshot('62-structure-constraints-sqlite')
  await page.getByTestId('edit-apply').click()
  await expect(page.getByTestId('structure-editor')).toHaveCount(0)
  await expect(page.getByTestId('columns-table').locator('tbody tr').nth(1)).toContainText('kind')
  await app.runSql("SELECT count(*) AS n, group_concat(name || ':' || kind || ':' || owner_id, ' ') AS pets FROM pets")
  await expect(page.getByRole('row', { name: '2 Rex:dog:1 Tom:cat:2' })).toBeVisible()
  // The grid cuts long cells, so the DDL is asked piece by piece.
  await app.runSql(
    "SELECT instr(sql, 'REFERENCES \"owners\"') > 0 AS fk, instr(sql, 'CHECK (kind IN') > 0 AS ck, instr(sql, 'UNIQUE (\"name\", \"kind\")') > 0 AS uq, (SELECT count(*) FROM sqlite_master WHERE name = 'ix_pets_name') AS ix FROM sqlite_master WHERE name = 'pets'",
  )
  await expect(page.getByRole('row', { name: '1 1 1 1 1' })).toBeVisible()
})

test('structure edited in place on PostgreSQL: an index and a check added by ALTER; column order stays, and says why', async ({
  page,
}) => {
  const app = new AppPage(page)
  await app.open()
  await app.openPlayground()
  await app.runSqlOn('PostgreSQL playground', 'CREATE TABLE struct_checks (id integer PRIMARY KEY, price integer)')
  await app.runSqlOn('PostgreSQL playground', 'INSERT INTO struct_checks VALUES (1, 5), (2, 7)')
  const pgConn = page.locator('.conn', { has: page.getByTestId('connection-playground') })
  await pgConn.getByTestId('tree-table-public.struct_checks').hover()
  await pgConn.getByTestId('tree-structure-public.struct_checks').click()
  await page.getByTestId('structure-edit').click()
  // PostgreSQL keeps a column's position: the order buttons are off, with the reason.
  await expect(page.getByTestId('edit-col-down-0')).toBeDisabled()
  await expect(page.getByTestId('edit-col-down-0')).toHaveAttribute('title', /keeps a column's position/)
  await page.getByTestId('index-columns').fill('price')
  await page.getByTestId('index-add').click()
  await page.getByTestId('check-expression').fill('price >= 0')
  await page.getByTestId('check-add').click()
  await page.getByTestId('edit-preview').click()
  const sql = page.getByTestId('edit-plan-sql')
  await expect(sql).toContainText('CREATE INDEX "ix_struct_checks_price"')
  await expect(sql).toContainText('CHECK (price >= 0)')
  await page.getByTestId('edit-apply').click()
  await expect(page.getByTestId('structure-editor')).toHaveCount(0)
  await app.runSqlOn(
    'PostgreSQL playground',
    "SELECT (SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_struct_checks_price') AS ix, (SELECT count(*) FROM pg_constraint WHERE conrelid = 'struct_checks'::regclass AND contype = 'c') AS ck, (SELECT count(*) FROM struct_checks) AS n",
  )
  await expect(page.getByRole('row', { name: '1 1 1 2' })).toBeVisible()
  await app.runSqlOn('PostgreSQL playground', 'DROP TABLE struct_checks')
})
