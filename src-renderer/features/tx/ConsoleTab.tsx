import { ENGINES } from '../../../src-shared/engines'
import { txApi } from './api'
import { useEffect, useRef, useState } from 'react'
import type { PaneInfo, TimelineEntry } from '../../../src-shared/tx'
import { formatCell } from '../../../src-shared/values'
import { errorMessage, onEvent } from '../../bridge/client'
import { Icon } from '../../ui/icons'
import { Pane, useNow } from './ConsolePane'
import { QueueBar, useStepQueue, type ScenarioRef } from './StepQueue'

type StepQueue = ReturnType<typeof useStepQueue>
import { MvccPanel } from './MvccPanel'
import { LocksPanel } from './LocksPanel'
import { ConsoleHistory } from './ConsoleHistory'
import { timelineSvg } from './timeline-image'
import { download, downloadText, svgToPng } from '../../ui/download'
import { toast, useApp } from '../../app/store'

/** A spec to load into the console's step queue (from the scenario library). */
export interface ConsoleLoad {
  title: string
  text: string
  scenario: ScenarioRef | null
}

/** Transactions side by side: each pane its own connection; the timeline records every step. */
export function ConsoleTab({ handle, load }: { handle: string; load?: ConsoleLoad | null }) {
  const { consoleId, panes, timeline, error } = useConsole(handle)
  const q = useStepQueue(consoleId)
  const loaded = useRef<ConsoleLoad | null>(null)
  useEffect(() => {
    if (!consoleId || !load || loaded.current === load) return
    loaded.current = load
    void q.loadSpec(load.title, load.text, load.scenario)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new load, or the console opening, matters here
  }, [consoleId, load])
  const [mvccPane, setMvccPane] = useState<string | null>(null)
  const [historyOpen, setHistoryOpen] = useState(false)
  const schemaEntry = useApp((s) => s.schemas[handle])
  const now = useNow([...timeline.values()].some((e) => e.finishedAt === null))
  if (error) return <div className="pane-note error">{error}</div>
  if (!consoleId)
    return (
      <div className="pane-note">
        <span className="spinner" /> Opening connections…
      </div>
    )
  const entries = [...timeline.values()].sort((a, b) => a.id - b.id)
  const paneIds = panes.map((p) => p.id)
  const queued = new Set(q.queue?.entries ?? [])
  return (
    <div className="console-tab">
      <div className="tx-panes" style={{ gridTemplateColumns: `repeat(${panes.length}, minmax(0, 1fr))` }}>
        {panes.map((p) => {
          const mine = entries.filter((e) => e.pane === p.id)
          const last = mine[mine.length - 1]
          const waiting = last && last.finishedAt === null && last.waitStartedAt !== null ? last : undefined
          return (
            <Pane
              key={p.id}
              consoleId={consoleId}
              info={p}
              last={last}
              waiting={waiting}
              mvccOpen={mvccPane === p.id}
              onMvcc={() => setMvccPane(mvccPane === p.id ? null : p.id)}
            />
          )
        })}
      </div>
      {mvccPane && paneIds.includes(mvccPane) && panes[0] && ENGINES[panes[0].engine].capabilities.heldLocks && (
        <LocksPanel
          consoleId={consoleId}
          pane={mvccPane}
          version={entries.filter((e) => e.finishedAt !== null || e.waitStartedAt !== null).length}
          onClose={() => setMvccPane(null)}
        />
      )}
      {mvccPane && paneIds.includes(mvccPane) && panes[0] && ENGINES[panes[0].engine].capabilities.rowVersions && (
        <MvccPanel
          key={mvccPane}
          consoleId={consoleId}
          pane={mvccPane}
          tables={schemaEntry?.state === 'ready' ? schemaEntry.schema.tables.filter((t) => t.kind === 'table') : []}
          onClose={() => setMvccPane(null)}
        />
      )}
      <QueueBar q={q} />
      {historyOpen && (
        <ConsoleHistory
          consoleId={consoleId}
          version={entries.filter((e) => e.finishedAt !== null).length}
          onClose={() => setHistoryOpen(false)}
        />
      )}
      <div className="timeline" data-testid="timeline">
        <TimelineHead
          consoleId={consoleId}
          panes={panes}
          entries={entries}
          q={q}
          onCheck={() => setHistoryOpen(true)}
          checking={historyOpen}
        />
        <ConsoleLanes
          entries={entries.filter((e) => paneIds.includes(e.pane))}
          paneIds={paneIds}
          queued={queued}
          now={now}
        />
      </div>
    </div>
  )
}

/** Opens a console of two panes on the connection (closed with the tab), and follows its steps and panes. */
function useConsole(handle: string) {
  const [consoleId, setConsoleId] = useState<string | null>(null)
  const [panes, setPanes] = useState<PaneInfo[]>([])
  const [timeline, setTimeline] = useState<Map<number, TimelineEntry>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const idRef = useRef<string | null>(null)
  useEffect(() => {
    let live = true
    const offStep = onEvent('onTxStep', (p) => {
      if (p.consoleId !== idRef.current) return
      setPanes(p.panes)
      setTimeline((m) => new Map(m).set(p.entry.id, p.entry))
    })
    const offPanes = onEvent('onTxPanes', (p) => p.consoleId === idRef.current && setPanes(p.panes))
    txApi
      .consoleOpen({ handle, panes: 2 })
      .then(async ({ consoleId }) => {
        if (!live) return void txApi.consoleClose({ consoleId })
        idRef.current = consoleId
        setConsoleId(consoleId)
        setPanes((await txApi.snapshot({ consoleId })).panes)
      })
      .catch((e) => setError(errorMessage(e)))
    return () => {
      live = false
      offStep()
      offPanes()
      if (idRef.current) void txApi.consoleClose({ consoleId: idRef.current })
    }
  }, [handle])
  return { consoleId, panes, timeline, error }
}

/** The console saved as an isolation tester spec, a commented SQL script, or the timeline as an image. */
async function exportTimeline(
  kind: 'spec' | 'script' | 'png',
  consoleId: string,
  entries: TimelineEntry[],
  paneIds: string[],
  theme: 'dark' | 'light',
) {
  try {
    if (kind === 'png')
      return download(
        await svgToPng(
          timelineSvg(
            entries.filter((e) => paneIds.includes(e.pane)),
            paneIds,
            `Transaction console · ${new Date().toLocaleString()}`,
            theme,
          ),
        ),
        'timeline.png',
      )
    const out = await txApi.exportConsole({ consoleId })
    if (kind === 'spec') downloadText(out.spec, 'console.spec')
    else downloadText(out.script, 'console.sql', 'application/sql')
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

/** The timeline's title and journal mode; load a spec, replay, save as spec, script or image; add or remove a pane. */
function TimelineHead({
  consoleId,
  panes,
  entries,
  q,
  onCheck,
  checking,
}: {
  consoleId: string
  panes: PaneInfo[]
  entries: TimelineEntry[]
  q: StepQueue
  onCheck: () => void
  checking: boolean
}) {
  const theme = useApp((s) => s.theme)
  const specInput = useRef<HTMLInputElement>(null)
  const paneIds = panes.map((p) => p.id)
  const exportAs = (kind: 'spec' | 'script' | 'png') => exportTimeline(kind, consoleId, entries, paneIds, theme)
  return (
    <div className="timeline-head">
      <strong>Timeline</strong>
      <span className="muted small">in the order things happened; a wait runs as a bar from send to completion</span>
      {panes[0]?.journalMode && (
        <span
          className="chip small"
          title="SQLite's journal mode: in WAL, readers never block the writer, nor the writer them"
          data-testid="journal-mode"
        >
          journal: {panes[0].journalMode}
        </span>
      )}
      <span className="spacer" />
      <input
        ref={specInput}
        type="file"
        accept=".spec,.txt"
        hidden
        data-testid="spec-file"
        onChange={async (e) => {
          const f = e.target.files?.[0]
          e.target.value = ''
          if (f) await q.loadSpec(f.name, await f.text())
        }}
      />
      <button
        className="btn small ghost"
        onClick={() => specInput.current?.click()}
        title="Load an isolation tester spec (setup, sessions, steps, permutations) and run it here step by step"
        data-testid="open-spec"
      >
        Open spec…
      </button>
      <button
        className="btn small ghost"
        disabled={!entries.length}
        onClick={() => void q.replay()}
        title="Run the recorded steps again, one at a time, in their panes"
        data-testid="replay"
      >
        Replay
      </button>
      <button
        className="btn small ghost"
        disabled={!entries.length || checking}
        onClick={onCheck}
        title="Check this session for isolation anomalies: each pane's transactions as a dependency graph (ww, wr, rw), its cycles named, or the serial order it is equivalent to"
        data-testid="check-history"
      >
        Check history
      </button>
      <button
        className="btn small ghost"
        disabled={!entries.length}
        onClick={() => void exportAs('spec')}
        title="Save this session as an isolation tester spec: a session per pane, the permutation it ran in"
        data-testid="save-spec"
      >
        <Icon name="download" size={11} /> Spec
      </button>
      <button
        className="btn small ghost"
        disabled={!entries.length}
        onClick={() => void exportAs('script')}
        title="Save the timeline as a commented SQL script"
        data-testid="save-script"
      >
        <Icon name="download" size={11} /> Script
      </button>
      <button
        className="btn small ghost"
        disabled={!entries.length}
        onClick={() => void exportAs('png')}
        title="Save the timeline as a PNG image"
        data-testid="save-png"
      >
        <Icon name="download" size={11} /> PNG
      </button>
      <span className="sep-v" />
      {panes.length < 4 && (
        <button className="btn small ghost" onClick={() => txApi.addPane({ consoleId })} data-testid="add-pane">
          <Icon name="plus" size={11} /> Pane
        </button>
      )}
      {panes.length > 1 && (
        <button
          className="btn small ghost"
          onClick={() => txApi.removePane({ consoleId, pane: panes[panes.length - 1].id })}
        >
          Remove {panes[panes.length - 1].id}
        </button>
      )}
    </div>
  )
}

type Entry = TimelineEntry

/**
 * The console's timeline in the order things happened: each statement where it was sent; one
 * that waited again where it completed, with a bar down its pane across the other panes' steps
 * meanwhile (to the bottom while it still waits).
 */
function ConsoleLanes({
  entries,
  paneIds,
  queued,
  now,
}: {
  entries: Entry[]
  paneIds: string[]
  queued: Set<number>
  now: number
}) {
  type Ev = { e: Entry; kind: 'step' | 'sent' | 'done'; t: number }
  const events: Ev[] = entries
    .flatMap((e): Ev[] =>
      e.waitStartedAt && e.finishedAt
        ? [
            { e, kind: 'sent', t: e.startedAt },
            { e, kind: 'done', t: e.finishedAt },
          ]
        : [{ e, kind: e.waitStartedAt ? 'sent' : 'step', t: e.startedAt }],
    )
    .sort((a, b) => a.t - b.t || a.e.id - b.e.id || (a.kind === 'done' ? 1 : -1))
  const rowOf = (id: number, kind: Ev['kind']) => events.findIndex((x) => x.e.id === id && x.kind === kind) + 1
  return (
    <div
      className="lanes"
      style={{ gridTemplateColumns: `repeat(${paneIds.length}, minmax(0, 1fr))` }}
      data-testid="console-lanes"
    >
      {entries
        .filter((e) => e.waitStartedAt)
        .map((e) => (
          <div
            key={`bar${e.id}`}
            className="wait-bar"
            style={{
              gridColumn: `${paneIds.indexOf(e.pane) + 1}`,
              gridRow: `${rowOf(e.id, 'sent')} / ${e.finishedAt ? rowOf(e.id, 'done') + 1 : events.length + 1}`,
            }}
            data-testid="wait-bar"
          />
        ))}
      {events.map(({ e, kind }) => {
        const o = e.outcome
        const waited = e.waitStartedAt ? ((e.finishedAt ?? now) - e.waitStartedAt) / 1000 : 0
        const done = kind === 'done'
        return (
          <div
            key={`${e.id}${kind}`}
            className={`lane-row${queued.has(e.id) ? ' queued' : ''}${kind === 'sent' ? ' sent' : ''}`}
            style={{ gridColumn: `${paneIds.indexOf(e.pane) + 1}`, gridRow: `${rowOf(e.id, kind)}` }}
          >
            <span className="step-no">{done ? '' : e.id}</span>
            <div className={`step${o?.error && kind !== 'sent' ? ' err' : ''}${!o ? ' running' : ''}`}>
              {done ? (
                <div className="mono step-sql muted">… #{e.id} completed</div>
              ) : (
                <div className="mono step-sql">{e.sql}</div>
              )}
              {e.waitStartedAt && (
                <div className="step-wait">
                  <Icon name="warning" size={11} /> {o ? 'waited' : 'waiting'} {waited.toFixed(2)} s
                  {e.waitedOn.length ? ` on ${e.waitedOn.join(', ')}` : ''}
                </div>
              )}
              {kind !== 'sent' && o?.error && (
                <div className="step-error">
                  {o.error.sqlstate ? `${o.error.sqlstate} ` : ''}
                  {o.error.message}
                </div>
              )}
              {kind !== 'sent' && o && !o.error && o.result?.columns.length ? (
                <div className="mono step-rows">
                  {o.result.rows.map((r) => r.map(formatCell).join(', ')).join(' · ') || '(no rows)'}
                </div>
              ) : null}
              {kind !== 'sent' && o && !o.error && !o.result?.columns.length && (
                <div className="muted small">{o.result?.command}</div>
              )}
            </div>
          </div>
        )
      })}
    </div>
  )
}
