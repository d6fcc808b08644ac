import { expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const SHOTS = join(__dirname, '..', 'artifacts', 'screenshots')

/** The Schemist window, seen by a person: sidebar, tabs, dialogs, status bar. */
export class AppPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/?token=e2e-token')
    await expect(this.page.getByTestId('connection-sample')).toBeVisible()
    // The playground's state is known (not 'Checking…'), so tests may read it.
    await expect(this.page.getByTestId('playground-postgres-state')).not.toHaveText('Checking…')
  }

  tree(table: string) {
    return this.page.getByTestId(`tree-table-${table}`)
  }

  async openStructure(table: string, connection?: string) {
    const scope = connection
      ? this.page.locator('.conn', { has: this.page.getByTestId(`connection-${connection}`) })
      : this.page
    await scope.getByTestId(`tree-table-${table}`).hover()
    await scope.getByTestId(`tree-structure-${table}`).click()
    await expect(this.page.getByTestId('structure-title')).toHaveText(table)
  }

  async screenshot(name: string) {
    mkdirSync(SHOTS, { recursive: true })
    await this.page.screenshot({ path: join(SHOTS, `${name}.png`) })
  }

  async openData(table: string) {
    await this.tree(table).click()
    await expect(this.page.getByTestId('data-grid')).toBeVisible()
  }

  /** Replace the text of the active query tab's editor. */
  async typeSql(sql: string) {
    await this.page.locator('.cm-content').click()
    await this.page.keyboard.press('Control+A')
    await this.page.keyboard.insertText(sql)
  }

  /** Run SQL in a new query tab on the sample database. */
  async runSql(sql: string) {
    await this.page.getByTestId('new-query-sample').click()
    await this.typeSql(sql)
    await this.page.keyboard.press('Control+Enter')
    await expect(this.page.getByTestId('result-meta')).toContainText(sql.slice(0, 40))
  }

  /** Run SQL in a new query tab on the connection shown under this name in the sidebar. */
  async runSqlOn(connection: string, sql: string) {
    await this.page.locator('.conn', { hasText: connection }).locator('[data-testid^="new-query-"]').click()
    await this.typeSql(sql)
    await this.page.keyboard.press('Control+Enter')
    await expect(this.page.getByTestId('result-meta')).toContainText(sql.slice(0, 40))
  }

  async startPlayground() {
    await this.page.getByTestId('playground-postgres-start').click()
    await expect(this.page.getByTestId('playground-postgres-state')).toHaveText('Running', { timeout: 110_000 })
    await expect(this.page.getByTestId('connection-playground')).toBeVisible()
  }

  /** The PostgreSQL playground's connection, open in the sidebar (the server started if it is not running). */
  async openPlayground() {
    if ((await this.page.getByTestId('playground-postgres-state').innerText()) !== 'Running')
      await this.startPlayground()
    else await this.page.getByTestId('connection-playground').click()
    return this.page.locator('.conn', { has: this.page.getByTestId('connection-playground') })
  }

  /** The transaction console on the PostgreSQL playground (started if it is not running). */
  async openPlaygroundConsole() {
    await this.openPlayground()
    await this.page.getByTestId('iso-playground').click()
    await this.page.getByTestId('mode-console').click()
  }

  /**
   * Panes A and B, both in a transaction, each read a row's column (`read`); each then writes what
   * it read plus its own amount, A first and committing, then B: a lost update where the level
   * lets B's write, computed from a stale read, replace A's.
   */
  async loseAnUpdate(table: string, column: string, id: number, read: number) {
    const p = this.page
    for (const pane of ['A', 'B']) {
      await this.runInPane(pane, `SELECT ${column} FROM ${table} WHERE id = ${id}`)
      // The statement shows under the pane once it has finished, then what it read.
      await expect(p.getByTestId(`pane-out-${pane}`)).toContainText(`SELECT ${column} FROM ${table}`)
      await expect(p.getByTestId(`pane-out-${pane}`)).toContainText(String(read))
    }
    for (const [pane, add] of [
      ['A', 10],
      ['B', 20],
    ] as const) {
      await this.runInPane(pane, `UPDATE ${table} SET ${column} = ${read} + ${add} WHERE id = ${id}`)
      await expect(p.getByTestId(`pane-out-${pane}`)).toContainText('UPDATE')
      await p.getByTestId(`pane-commit-${pane}`).click()
      await expect(p.getByTestId(`pane-state-${pane}`)).toHaveText('idle')
    }
  }

  /** Check the console's history: the anomaly is named on the key, with its two-transaction cycle drawn. */
  async expectHistoryCycle(anomaly: string, key: string) {
    await this.page.getByTestId('check-history').click()
    const history = this.page.getByTestId('console-history')
    await expect(history.getByTestId('history-anomalies')).toContainText(anomaly)
    await expect(history.getByTestId('history-anomalies')).toContainText(key)
    await expect(history.getByTestId('cycle-graph').locator('.react-flow__node')).toHaveCount(2)
    return history
  }

  /** Replace a console pane's SQL and run it (Ctrl+Enter). */
  async runInPane(pane: string, sql: string) {
    await this.page.getByTestId(`pane-${pane}`).locator('.cm-content').click()
    await this.page.keyboard.press('Control+A')
    await this.page.keyboard.insertText(sql)
    await this.page.keyboard.press('Control+Enter')
  }

  /** Waits until an element stops moving (an animated fit or layout has settled). */
  async waitUntilStill(locator: import('@playwright/test').Locator) {
    let last = ''
    await expect
      .poll(
        async () => {
          const now = JSON.stringify(await locator.boundingBox())
          const still = now === last && now !== 'null'
          last = now
          return still
        },
        { intervals: [50, 100, 100, 200] },
      )
      .toBe(true)
  }

  async newConnectionDialog() {
    await this.page.getByTestId('new-connection').click()
    await expect(this.page.getByTestId('connection-dialog')).toBeVisible()
    return this.page.getByTestId('connection-dialog')
  }
}
