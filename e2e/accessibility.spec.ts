import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { AppPage } from './pages/app-page'

// axe-core on the main screens, in both themes: no serious or critical violations.

type Screen = { name: string; open: (page: Page, app: AppPage) => Promise<void> }
const SCREENS: Screen[] = [
  { name: 'sample open', open: async () => {} },
  { name: 'data grid', open: async (_page, app) => app.openData('cities') },
  {
    name: 'query with results',
    open: async (page, app) => {
      await app.runSql('SELECT id, name, login FROM users')
      await expect(page.getByTestId('result-meta')).toBeVisible()
    },
  },
  {
    name: 'isolation scenarios',
    open: async (page) => {
      await page.getByTestId('iso-sample').click()
      await expect(page.getByTestId('mode-console')).toBeVisible()
    },
  },
  {
    name: 'designer',
    open: async (page) => {
      await page.getByTestId('design-sample').click()
      await expect(page.getByTestId('dz-table-users')).toBeVisible()
    },
  },
  {
    name: 'ORM playground',
    open: async (page) => {
      await page.getByTestId('orm-sample').click()
      await expect(page.getByTestId('orm-load')).toBeVisible()
    },
  },
]

async function setTheme(page: Page, theme: 'dark' | 'light') {
  const current = await page.locator('html, body, #root, [data-theme]').first().getAttribute('data-theme')
  if (current !== theme) await page.getByTestId('toggle-theme').click()
  await expect(page.locator(`[data-theme="${theme}"]`).first()).toBeAttached()
}

for (const theme of ['dark', 'light'] as const) {
  test(`main screens in the ${theme} theme have no serious or critical accessibility violations`, async ({ page }) => {
    const app = new AppPage(page)
    const found: string[] = []
    for (const screen of SCREENS) {
      await app.open()
      await setTheme(page, theme)
      await screen.open(page, app)
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
      for (const v of r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
        found.push(
          `${screen.name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
        )
      }
    }
    console.log(
      `axe, ${theme} theme: ${found.length} serious or critical violation(s) on ${SCREENS.length} screens${found.length ? `:\n  ${found.join('\n  ')}` : ''}`,
    )
    expect(found).toEqual([])
  })
}
