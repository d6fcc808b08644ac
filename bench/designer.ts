// npm run bench -- designer [--sizes=50,300,1000] [--drag-steps=60]
// Generated models of 50, 300 and 1,000 tables: time to lay out (dagre, in this process), to first
// render in Chromium (the real renderer against the web host), and per frame while dragging a table.
// layout is what the app does (dagre up to 150 tables in a connected group, our layered layout
// above); layout_layered is the layered layout alone at every size. Each figure is also reported as a ratio to the 50-table model: near-linear growth is the target,
// so 1000/50 at most 25x. Needs `npm run build` first (it serves out/renderer).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { blankTable, emptyModel, newId, positionOf, type ModelDocument } from '../src-shared/model/document'
import { newColumn } from '../src-shared/model/edit'
import { autoLayout, NODE_WIDTH, nodeHeight } from '../src-shared/model/layout'
import ELK from 'elkjs/lib/elk.bundled.js'
import { startWebHost } from '../src-main/host/web-host'
import { createServices } from '../src-main/services'
import { createRouter } from '../src-main/bridge/router'
import { createHandlers } from '../src-main/bridge/handlers'
import { argValue, median, report } from './bench-lib'

const sizes = (process.argv.find((a) => a.startsWith('--sizes='))?.split('=')[1] ?? '50,300,1000')
  .split(',')
  .map(Number)
const DRAG_STEPS = argValue('drag-steps', 60)

/** A deterministic pseudo-random model: 3 to 9 columns a table, each table after the first few referencing one or two earlier ones. */
function generate(n: number): ModelDocument {
  let seed = 42
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const doc = emptyModel(`generated ${n}`)
  const types = ['integer', 'text', 'varchar', 'timestamp', 'boolean', 'numeric', 'json'] as const
  for (let i = 0; i < n; i++) {
    const name = `table_${i}`
    const columns = [newColumn('id', 'integer', { nullable: false, autoincrement: true, primaryKey: 1 })]
    const extra = 2 + Math.floor(rnd() * 7)
    for (let c = 0; c < extra; c++) columns.push(newColumn(`col_${c}`, types[Math.floor(rnd() * types.length)]))
    const t = blankTable({ name, className: `Table${i}`, nameLocked: true, columns })
    const refs = i < 3 ? 0 : 1 + (rnd() < 0.4 ? 1 : 0)
    for (let r = 0; r < refs; r++) {
      // Mostly near neighbours (modules of related tables), sometimes far ones.
      const target = rnd() < 0.8 ? Math.max(0, i - 1 - Math.floor(rnd() * 12)) : Math.floor(rnd() * i)
      const col = newColumn(`ref_${r}_id`, 'integer', { nullable: false })
      t.columns.push(col)
      t.foreignKeys.push({
        id: newId('f'),
        name: null,
        columns: [col.name],
        refSchema: null,
        refTable: `table_${target}`,
        refColumns: ['id'],
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
      })
    }
    doc.tables.push(t)
  }
  return doc
}

type Pos = Map<string, { x: number; y: number; h: number }>

/** The tables' foreign keys as edges between table ids: from the referenced table to the one referencing it. */
function edgesOf(doc: ModelDocument): [string, string][] {
  const byName = new Map(doc.tables.map((t) => [t.name, t.id]))
  return doc.tables.flatMap((t) =>
    t.foreignKeys.flatMap((f) =>
      byName.has(f.refTable) && byName.get(f.refTable) !== t.id
        ? [[byName.get(f.refTable)!, t.id] as [string, string]]
        : [],
    ),
  )
}

/** Straight edges (right side of the referenced table to the left side of the other) that cross: a tidiness measure. */
function crossings(pos: Pos, edges: [string, string][]): number {
  const seg = edges.map(([a, b]) => {
    const p = pos.get(a)!
    const q = pos.get(b)!
    return [p.x + NODE_WIDTH, p.y + p.h / 2, q.x, q.y + q.h / 2, a, b] as const
  })
  const side = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
    Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))
  let n = 0
  for (let i = 0; i < seg.length; i++)
    for (let j = i + 1; j < seg.length; j++) {
      const [x1, y1, x2, y2, a1, b1] = seg[i]
      const [x3, y3, x4, y4, a2, b2] = seg[j]
      if (a1 === a2 || a1 === b2 || b1 === a2 || b1 === b2) continue // edges that share a table meet there
      if (
        side(x1, y1, x2, y2, x3, y3) * side(x1, y1, x2, y2, x4, y4) < 0 &&
        side(x3, y3, x4, y4, x1, y1) * side(x3, y3, x4, y4, x2, y2) < 0
      )
        n++
    }
  return n
}

/**
 * elkjs's layered algorithm (Eclipse Layout Kernel, the one ChartDB-like tools reach for) on the
 * same generated models: its time against our layered layout's, and the edge crossings of each.
 */
async function compareWithElk(sizes: number[]) {
  const elk = new ELK()
  for (const n of sizes) {
    const doc = generate(n)
    const edges = edgesOf(doc)
    const graph = {
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.spacing.nodeNode': '40',
        'elk.layered.spacing.nodeNodeBetweenLayers': '110',
      },
      children: doc.tables.map((t) => ({ id: t.id, width: NODE_WIDTH, height: nodeHeight(t) })),
      edges: edges.map(([a, b], i) => ({ id: `e${i}`, sources: [a], targets: [b] })),
    }
    await elk.layout(structuredClone(graph)) // warm-up
    const runs: number[] = []
    let out: Awaited<ReturnType<typeof elk.layout>> | null = null
    for (let i = 0; i < (n >= 1000 ? 2 : 3); i++) {
      const t = performance.now()
      out = await elk.layout(structuredClone(graph))
      runs.push(performance.now() - t)
    }
    const oursRuns: number[] = []
    let ours = doc
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      ours = autoLayout(doc, undefined, { engine: 'layered' })
      oursRuns.push(performance.now() - t)
    }
    const elkPos: Pos = new Map(
      (out?.children ?? []).map((c: { id: string; x?: number; y?: number; height?: number }) => [
        c.id,
        { x: c.x ?? 0, y: c.y ?? 0, h: c.height ?? 0 },
      ]),
    )
    const ourPos: Pos = new Map(ours.tables.map((t) => [t.id, { ...positionOf(ours, t.id), h: nodeHeight(t) }]))
    report(`designer.elk_layered.${n}`, median(runs), 'ms')
    report(`designer.layout_layered.vs_elk.${n}`, median(oursRuns) / median(runs), 'x')
    report(`designer.crossings.layered.${n}`, crossings(ourPos, edges), 'edges')
    report(`designer.crossings.elk.${n}`, crossings(elkPos, edges), 'edges')
  }
}

async function main() {
  // Run from the repository's root (npm run bench), as a bundle under out/bench or as source.
  const root = process.cwd()
  const staticDir = join(root, 'out', 'renderer')
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('Build the renderer first: npm run build')
  const dir = mkdtempSync(join(tmpdir(), 'schemist-bench-designer-'))
  const services = await createServices({
    dataDir: join(dir, 'data'),
    resourcesDir: join(root, 'resources'),
    transport: 'web',
    version: 'bench',
    encryptor: null,
  })
  const host = await startWebHost({
    router: createRouter(createHandlers(services)),
    events: services.events,
    staticDir,
  })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  })
  const results: Record<
    number,
    { layout: number; layered: number; render: number; frame: number; frameP95: number; fit: number; fitP95: number }
  > = {}
  try {
    // Warm the layout code up on every size first, so the smallest size is not timed cold.
    for (const n of sizes)
      for (const engine of ['auto', 'layered'] as const) autoLayout(generate(n), undefined, { engine })
    for (const n of sizes) {
      const raw = generate(n)
      const layoutRuns: number[] = []
      let doc = raw
      for (let i = 0; i < (n >= 1000 ? 3 : 5); i++) {
        const t = performance.now()
        doc = autoLayout(raw)
        layoutRuns.push(performance.now() - t)
      }
      // The layered layout alone at every size, to show how it grows (the app uses dagre for groups up to 150 tables).
      const layeredRuns: number[] = []
      // Many runs: at 50 tables one takes well under a millisecond, where a single run is mostly noise.
      for (let i = 0; i < (n >= 1000 ? 30 : 300); i++) {
        const t = performance.now()
        autoLayout(raw, undefined, { engine: 'layered' })
        layeredRuns.push(performance.now() - t)
      }
      const file = join(dir, `model-${n}.json`)
      writeFileSync(file, JSON.stringify(doc))

      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      await page.goto(`http://127.0.0.1:${host.port}/?token=${host.token}`)
      await page.getByTestId('connection-sample').click()
      await page.getByTestId('welcome-designer').click()
      await page.getByTestId('designer').waitFor()
      // Open the file through the designer's own Open command; time until every table is on screen.
      await page.getByTitle('Open a model file').click()
      await page.getByTestId('path-input').fill(file)
      const start = await page.evaluate(() => performance.now())
      await page.getByTestId('path-ok').click()
      await page
        .waitForFunction((count) => document.querySelectorAll('.react-flow__node').length >= count, n, {
          timeout: 120_000,
          polling: 'raf',
        })
        .catch(async (e) => {
          const shown = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length)
          await page.screenshot({ path: join(dir, `stuck-${n}.png`) })
          throw new Error(`${shown} of ${n} tables on screen after 2 minutes (screenshot in ${dir}): ${e}`)
        })
      const end = await page.evaluate(
        () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))),
      )
      const render = end - start

      // Zoom in on one table so it can be grabbed, then drag it in small steps while counting frames.
      const name = `table_${Math.floor(n / 2)}`
      await page.getByTestId('dz-search').fill(name)
      await page.getByTestId('dz-search').press('Enter')
      await page.waitForTimeout(600)
      const frames = await dragFrames(page, name)
      // The same with the whole model in view (F fits it): every table is drawn, small.
      await page.getByTestId('dz-search').fill('')
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } })
      await page.keyboard.press('f')
      await page.waitForTimeout(600)
      // A table near the middle of the canvas, so the drag does not reach its edge (where React Flow pans).
      const middle = await page.evaluate(() => {
        const pane = document.querySelector('.react-flow')!.getBoundingClientRect()
        const [cx, cy] = [pane.x + pane.width / 2, pane.y + pane.height / 3]
        // Nearest first, and only one whose header is what a click at its centre reaches: zoomed
        // out on 1,000 tables, a neighbour or a reference line can lie over a small header (a drag
        // there once moved nothing).
        const candidates = [...document.querySelectorAll('[data-testid^="dz-table-"]')].map((el) => {
          const r = el.getBoundingClientRect()
          return { el, d: Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy) }
        })
        candidates.sort((a, b) => a.d - b.d)
        const grabbable = candidates.find(({ el }) => {
          const head = el.querySelector('.dz-head')
          if (!head) return false
          const h = head.getBoundingClientRect()
          return head.contains(document.elementFromPoint(h.x + h.width / 2, h.y + h.height / 2))
        })
        return (grabbable ?? candidates[0]).el.getAttribute('data-testid')!.slice('dz-table-'.length)
      })
      const fitFrames = await dragFrames(page, middle)
      const fitSorted = [...fitFrames].sort((a, b) => a - b)
      const sorted = [...frames].sort((a, b) => a - b)
      results[n] = {
        layout: median(layoutRuns),
        layered: median(layeredRuns),
        render,
        frame: median(frames),
        frameP95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        fit: median(fitFrames),
        fitP95: fitSorted[Math.floor(fitSorted.length * 0.95)] ?? 0,
      }
      report(`designer.layout.${n}`, results[n].layout, 'ms')
      report(`designer.layout_layered.${n}`, results[n].layered, 'ms')
      report(`designer.first_render.${n}`, render, 'ms')
      report(`designer.drag_frame.${n}`, results[n].frame, 'ms')
      report(`designer.drag_frame_p95.${n}`, results[n].frameP95, 'ms')
      report(`designer.drag_frame_all_in_view.${n}`, results[n].fit, 'ms')
      report(`designer.drag_frame_all_in_view_p95.${n}`, results[n].fitP95, 'ms')
      await page.close()
    }
    const base = results[sizes[0]]
    for (const n of sizes.slice(1)) {
      const r = results[n]
      // Growth is judged at twenty times the tables (1,000 against 50): at most 25x.
      const target = n / sizes[0] < 20 ? undefined : 25
      report(`designer.layout.ratio_${n}_${sizes[0]}`, r.layout / base.layout, 'x', target)
      report(`designer.layout_layered.ratio_${n}_${sizes[0]}`, r.layered / base.layered, 'x', target)
      report(`designer.first_render.ratio_${n}_${sizes[0]}`, r.render / base.render, 'x', target)
      report(`designer.drag_frame.ratio_${n}_${sizes[0]}`, r.frame / base.frame, 'x', target)
      report(`designer.drag_frame_all_in_view.ratio_${n}_${sizes[0]}`, r.fit / base.fit, 'x', target)
    }
    await compareWithElk(sizes)
  } finally {
    await browser.close()
    await host.close()
    await services.dispose()
  }
}

/** Drag a table's header in small steps, a frame each, and return the frame times seen meanwhile. */
async function dragFrames(page: Page, table: string): Promise<number[]> {
  const target = page.getByTestId(`dz-table-${table}`).locator('.dz-head')
  const box = await target.boundingBox({ timeout: 10_000 }).catch(async () => {
    const file = join(tmpdir(), `schemist-bench-drag-${table}.png`)
    await page.screenshot({ path: file })
    throw new Error(`${table} is not on the canvas to drag (screenshot: ${file})`)
  })
  if (!box) throw new Error(`${table} has no box`)
  // A string, not a function: tsx would wrap a named function in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = []
    window.__stop = false
    let last = performance.now()
    const tick = (t) => {
      window.__frames.push(t - last)
      last = t
      if (!window.__stop) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  for (let i = 1; i <= DRAG_STEPS; i++) {
    await page.mouse.move(box.x + box.width / 2 + i * 4, box.y + box.height / 2 + i * 2)
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
  }
  await page.mouse.up()
  const after = (await target.boundingBox())!
  if (Math.abs(after.x - box.x) < DRAG_STEPS)
    throw new Error(`${table} did not follow the drag (moved ${Math.round(after.x - box.x)} px)`)
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean }
    w.__stop = true
    return w.__frames.slice(2)
  })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
