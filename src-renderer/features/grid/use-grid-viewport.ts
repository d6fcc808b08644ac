import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { BLOCK, loadBlock, type GridState } from './grid-store'
import { ROW_H, scrollScale, totalRows } from './grid-rows'

/**
 * Which rows are in view: the scroller's height and position, the window of rows drawn (five
 * above and below), the blocks they live in read as they come into view, Go to row N, and
 * scrolling a row into view.
 */
export function useGridViewport(
  tabId: string,
  g: GridState | undefined,
  jump: { row: number; seq: number } | null | undefined,
  select: (row: number) => void,
) {
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(600)

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(() => setHeight(el.clientHeight))
    ro.observe(el)
    setHeight(el.clientHeight)
    return () => ro.disconnect()
  }, [])

  const total = g ? totalRows(g) : 0
  const scale = scrollScale(total, height)

  // A table taller than the scroll area scrolls in proportion (see scrollScale): the wheel is
  // scaled back so a notch moves the rows it would in a short table, not k times as many.
  const k = useRef(1)
  k.current = scale.k
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    let carry = 0
    const onWheel = (e: WheelEvent) => {
      if (k.current <= 1 || e.ctrlKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) return
      e.preventDefault()
      const unit = e.deltaMode === 1 ? ROW_H : e.deltaMode === 2 ? el.clientHeight : 1
      carry += (e.deltaY * unit) / k.current
      const whole = Math.trunc(carry)
      if (whole !== 0) {
        el.scrollTop += whole
        carry -= whole
      }
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [])
  const vTop = scale.toVirtual(scrollTop)
  const first = Math.max(0, Math.floor(vTop / ROW_H) - 5)
  const last = Math.min(total - 1, Math.ceil((vTop + height) / ROW_H) + 5)

  // Fetch the blocks the visible rows live in.
  useEffect(() => {
    if (!g) return
    const t = setTimeout(() => {
      const from = Math.max(0, first - g.inserts.length)
      const to = Math.max(0, last - g.inserts.length)
      for (let b = Math.floor(from / BLOCK); b <= Math.floor(to / BLOCK); b++)
        if (!g.blocks[b]) void loadBlock(tabId, b)
    }, 60)
    return () => clearTimeout(t)
  }, [tabId, first, last, g?.generation, g?.blocks, g])

  // Go to row N: the blocks around it are read by position (data.locate), not by scrolling there.
  useEffect(() => {
    const el = scroller.current
    if (!jump || !el || !g) return
    const row = Math.max(0, Math.min(totalRows(g) - 1, g.inserts.length + jump.row))
    el.scrollTop = scrollScale(totalRows(g), el.clientHeight).toScroll(Math.max(0, row * ROW_H - el.clientHeight / 3))
    select(row)
    el.focus()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per Go-to-row request (its seq), not on every selection change
  }, [jump?.seq])

  const ensureVisible = (row: number) => {
    const el = scroller.current
    if (!el) return
    const sc = scrollScale(total, el.clientHeight)
    const top = row * ROW_H
    const v = sc.toVirtual(el.scrollTop)
    if (top < v) el.scrollTop = sc.toScroll(top)
    else if (top + ROW_H * 2 > v + el.clientHeight) el.scrollTop = sc.toScroll(top + ROW_H * 2 - el.clientHeight)
  }

  return { scroller, scrollTop, setScrollTop, height, total, scale, vTop, first, last, ensureVisible }
}
