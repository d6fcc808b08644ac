import { useCallback } from 'react'
import { useReactFlow } from '@xyflow/react'
import { positionOf, type ModelDocument } from '../../../src-shared/model/document'
import { addTable } from '../../../src-shared/model/edit'
import { designer, edit, select } from './designer-store'
import { NODE_WIDTH, nodeHeight } from '../../../src-shared/model/layout'

/**
 * Where a new table goes: at `origin` (the middle of the view), or the nearest free place around
 * it, ring by ring (same row first, right before left, then below before above), so it is seen
 * at once and covers nothing.
 */
export function freeSpot(doc: ModelDocument, origin: { x: number; y: number }): { x: number; y: number } {
  const taken = doc.tables.map((t) => ({ t, at: positionOf(doc, t.id) }))
  const free = (p: { x: number; y: number }) =>
    !taken.some(
      ({ t, at }) =>
        p.x < at.x + NODE_WIDTH + 30 &&
        at.x < p.x + NODE_WIDTH + 30 &&
        p.y < at.y + nodeHeight(t) + 30 &&
        at.y < p.y + 110,
    )
  for (let r = 0; r < 12; r++) {
    const ring: [number, number][] = []
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === r) ring.push([dx, dy])
    ring.sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]) || b[0] - a[0] || b[1] - a[1])
    for (const [dx, dy] of ring) {
      const p = { x: origin.x + dx * (NODE_WIDTH + 60), y: origin.y + dy * 160 }
      if (free(p)) return p
    }
  }
  return origin
}

/** Add a table at the middle of the view (or the nearest free place), scrolled into sight, selected. */
export function useAddTable(tabId: string, onAdded: () => void) {
  const rf = useReactFlow()
  return useCallback(() => {
    const el = document.querySelector(`[data-designer="${tabId}"] .react-flow`)
    const rect = el?.getBoundingClientRect()
    const center = rect
      ? rf.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
      : { x: 40, y: 40 }
    const spot = freeSpot(designer(tabId).doc, {
      x: Math.round(center.x - NODE_WIDTH / 2),
      y: Math.round(center.y - 50),
    })
    if (rect) {
      const s = rf.flowToScreenPosition(spot)
      const e = rf.flowToScreenPosition({ x: spot.x + NODE_WIDTH, y: spot.y + 100 })
      if (s.x < rect.left || s.y < rect.top || e.x > rect.right || e.y > rect.bottom)
        void rf.setCenter(spot.x + NODE_WIDTH / 2, spot.y + 50, { zoom: rf.getZoom(), duration: 200 })
    }
    let id = ''
    edit(tabId, (x) => {
      const r = addTable(x, { position: spot })
      id = r.id
      return r.doc
    })
    select(tabId, { tables: [id], fk: null })
    onAdded()
  }, [rf, tabId, onAdded])
}
