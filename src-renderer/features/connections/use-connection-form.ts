import { useState } from 'react'
import { type ConnectionConfig, type ServerConfig } from '../../../src-shared/connection'
import {
  ENGINE_LIST,
  ENGINES,
  fileConfig,
  fileOf,
  serverConfig,
  serverOf,
  shortLocation,
  type Engine,
} from '../../../src-shared/engines'
import { BridgeError, errorMessage } from '../../bridge/client'
import { openDialog, useApp } from '../../app/store'
import { connectionsApi } from './api'
import { openSaved, saveConnection } from './actions'

export type Feedback = { kind: 'ok' | 'error' | 'info'; text: string } | null

/** A new server connection's fields: the engine's defaults. */
const serverDefaults = (e: Engine): ServerConfig => ({ ...serverOf(serverConfig(e, {}))!, password: '' })
const FIRST_SERVER = ENGINE_LIST.find((e) => e.location === 'server')!.name

/**
 * The connection dialog's form: the engine, a file's path or a server's fields, and what Test
 * and Save do with them. Save & connect saves only a connection that opens.
 */
export function useConnectionForm(editId: string | undefined) {
  const existing = useApp((s) => s.saved.find((c) => c.id === editId))
  const [engine, setEngine] = useState<Engine>(existing?.config.engine ?? ENGINE_LIST[0].name)
  const [name, setName] = useState(existing?.name ?? '')
  const [path, setPath] = useState((existing && fileOf(existing.config)) ?? '')
  const [create, setCreate] = useState(false)
  const [pg, setPg] = useState<ServerConfig>(() => {
    const server = existing && serverOf(existing.config)
    return server ? { ...serverDefaults(server.engine), ...server, password: '' } : serverDefaults(FIRST_SERVER)
  })
  const [remember, setRemember] = useState(true)
  const [feedback, setFeedback] = useState<Feedback>(null)
  const [busy, setBusy] = useState(false)

  const isFile = ENGINES[engine].location === 'file'
  const config = (): ConnectionConfig => {
    if (isFile) return fileConfig(engine, path.trim(), create)
    const { engine: _e, ...fields } = pg
    return serverConfig(engine, { ...fields, password: pg.password || undefined })
  }
  const pickEngine = (e: Engine) => {
    setEngine(e)
    // What was said about the other engine's settings no longer applies.
    if (e !== engine) setFeedback(null)
    if (ENGINES[e].location === 'server' && pg.engine !== e) setPg(serverDefaults(e))
  }
  const close = () => openDialog(null)
  const fail = (e: unknown) =>
    setFeedback({ kind: 'error', text: e instanceof BridgeError ? `${e.message}` : errorMessage(e) })

  async function test() {
    setBusy(true)
    setFeedback({ kind: 'info', text: 'Connecting…' })
    try {
      const r = await connectionsApi.test({ config: config() })
      setFeedback({ kind: 'ok', text: r.message })
    } catch (e) {
      fail(e)
    } finally {
      setBusy(false)
    }
  }

  async function save(connect: boolean) {
    const cfg = config()
    const server = serverOf(cfg)
    const label = name.trim() || (server ? `${server.database} on ${server.host}` : shortLocation(cfg))
    setBusy(true)
    try {
      // Save & connect saves only a connection that opens: one that fails stays in the dialog,
      // with the reason, and Save keeps it anyway when that is what the user wants.
      if (connect) {
        try {
          await connectionsApi.test({ config: cfg })
        } catch (e) {
          setFeedback({
            kind: 'error',
            text: `Could not connect, so nothing was saved: ${e instanceof Error ? e.message : String(e)} Fix the settings, or press Save to keep them anyway.`,
          })
          return
        }
      }
      const saved = await saveConnection({ id: editId, name: label, config: cfg, rememberPassword: remember })
      close()
      if (connect) await openSaved(saved.id)
    } catch (e) {
      fail(e)
    } finally {
      setBusy(false)
    }
  }

  const state = { existing, engine, name, path, create, pg, remember, feedback, busy, isFile }
  const setters = { setName, setPath, setCreate, setPg, setRemember, setFeedback }
  return { ...state, ...setters, pickEngine, close, fail, test, save }
}

export type ConnectionForm = ReturnType<typeof useConnectionForm>
