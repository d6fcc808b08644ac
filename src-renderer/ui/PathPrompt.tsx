import { useEffect, useRef, useState } from 'react'
import { create } from 'zustand'
import { Icon } from './icons'
import { Modal } from './Modal'
import { uploadFolderToHost, uploadToHost } from '../bridge/client'

interface Ask {
  mode?: 'open' | 'save'
  title: string
  hint: string
  initial: string
  recent: string[]
  ok: string
  /** File name endings to expect, e.g. ['.schemist.json']; others get a warning, not a refusal. */
  expect?: string[]
  /** A folder is an answer too (a Python package): which of its files to send from the browser. */
  folder?: { keep: (relativePath: string) => boolean }
  resolve: (path: string | null) => void
}

const useAsk = create<{ ask: Ask | null }>(() => ({ ask: null }))

export interface NativePickRequest {
  mode: 'open' | 'save'
  title: string
  defaultPath?: string
  filters?: { name: string; extensions: string[] }[]
}
/** The host's own file dialog; `native: false` when it has none. */
type NativePicker = (req: NativePickRequest) => Promise<{ native: boolean; path: string | null }>
let nativePicker: NativePicker | null = null

/** Installed at start-up where the host has a native file dialog (Electron). */
export function setNativePicker(p: NativePicker | null) {
  nativePicker = p
}

type AskOptions = Omit<Ask, 'resolve' | 'recent' | 'ok'> & {
  recent?: string[]
  ok?: string
  mode?: 'open' | 'save'
  fileType?: string
}

/**
 * Ask for a file path on the machine that runs Schemist's main process: the operating system's
 * dialog where the host has one (Electron), otherwise (the web host, whose browser cannot name a
 * path there) a path field with its suggestion and the recent files to pick.
 */
export async function askPath(o: AskOptions): Promise<string | null> {
  if (nativePicker) {
    const extensions = (o.expect ?? []).map((e) => e.replace(/^\./, '').split('.').pop()!)
    const r = await nativePicker({
      mode: o.mode ?? 'open',
      title: o.title,
      defaultPath: o.initial || undefined,
      filters: extensions.length
        ? [
            {
              name: o.fileType ?? extensions.map((e) => e.toUpperCase()).join(', '),
              extensions: [...new Set(extensions)],
            },
          ]
        : undefined,
    }).catch(() => null)
    if (r?.native) return r.path
  }
  return new Promise((resolve) => {
    useAsk.getState().ask?.resolve(null)
    useAsk.setState({ ask: { recent: [], ok: 'OK', ...o, resolve } })
  })
}

/** The path field (the web host's answer to askPath): a suggestion, recent files, and files sent from this computer. */
export function PathPrompt() {
  const ask = useAsk((s) => s.ask)
  const [path, setPath] = useState('')
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (!ask) return
    setPath(ask.initial)
    setTimeout(() => input.current?.select(), 0)
  }, [ask])
  if (!ask) return null
  const done = (value: string | null) => {
    useAsk.setState({ ask: null })
    ask.resolve(value && value.trim() ? value.trim() : null)
  }
  const lastPart = path.trim().split(/[\\/]/).pop() ?? ''
  const unexpected =
    path.trim() &&
    ask.expect &&
    !ask.expect.some((e) => path.trim().toLowerCase().endsWith(e)) &&
    !(ask.folder && !lastPart.includes('.'))
  const footer = (
    <>
      <span className="spacer" />
      <button className="btn ghost" onClick={() => done(null)}>
        Cancel
      </button>
      <button className="btn primary" disabled={!path.trim()} onClick={() => done(path)} data-testid="path-ok">
        {ask.ok}
      </button>
    </>
  )
  return (
    <Modal title={ask.title} onClose={() => done(null)} footer={footer} testId="path-prompt" className="">
      <p className="hint">{ask.hint}</p>
      <input
        ref={input}
        className="mono path-input"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && done(path)}
        spellCheck={false}
        aria-label="Path"
        data-testid="path-input"
      />
      {unexpected && (
        <div className="small warn-text">
          Expected a file ending in {ask.expect!.join(' or ')}
          {ask.folder ? ', or a folder' : ''}.
        </div>
      )}
      {/* The browser cannot name a path on the host, but it can send a file there. */}
      {ask.mode !== 'save' && <UploadButtons ask={ask} done={done} onFailed={() => setPath('')} />}
      {ask.recent.length > 0 && (
        <div className="path-recent">
          <div className="small muted">Recent</div>
          {ask.recent.slice(0, 8).map((r) => (
            <button
              key={r}
              className="path-item mono"
              onClick={() => setPath(r)}
              onDoubleClick={() => done(r)}
              title="Click to choose, double-click to open"
            >
              <Icon name="folder" size={12} /> {r}
            </button>
          ))}
        </div>
      )}
    </Modal>
  )
}

/** A file (or a package's folder) sent from this computer to the host; its place there is the answer. */
function UploadButtons({ ask, done, onFailed }: { ask: Ask; done: (path: string) => void; onFailed: () => void }) {
  const [uploading, setUploading] = useState<string | null>(null)
  const picker = useRef<HTMLInputElement>(null)
  const folderPicker = useRef<HTMLInputElement>(null)
  // React has no prop for it: the input picks a whole folder.
  useEffect(() => folderPicker.current?.setAttribute('webkitdirectory', ''), [ask])
  const send = async (label: string, upload: () => Promise<string>) => {
    setUploading(label)
    try {
      done(await upload())
    } catch (err) {
      onFailed()
      alert(err instanceof Error ? err.message : String(err))
    } finally {
      setUploading(null)
    }
  }
  return (
    <div className="path-upload">
      <button
        className="btn small"
        onClick={() => picker.current?.click()}
        disabled={!!uploading}
        data-testid="path-upload"
      >
        <Icon name="folder" size={12} /> {uploading ? `Sending ${uploading}…` : 'Choose a file from this computer…'}
      </button>
      {ask.folder && (
        <button
          className="btn small"
          onClick={() => folderPicker.current?.click()}
          disabled={!!uploading}
          data-testid="path-upload-folder"
        >
          <Icon name="folder" size={12} /> Choose a folder…
        </button>
      )}
      {ask.folder && (
        <input
          ref={folderPicker}
          type="file"
          hidden
          multiple
          data-testid="path-upload-folder-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])]
            e.target.value = ''
            if (files.length)
              void send(`${files.length} files`, async () => (await uploadFolderToHost(files, ask.folder!.keep)).root)
          }}
        />
      )}
      <input
        ref={picker}
        type="file"
        hidden
        accept={ask.expect?.join(',')}
        data-testid="path-upload-input"
        onChange={(e) => {
          const f = e.target.files?.[0]
          e.target.value = ''
          if (f) void send(f.name, async () => (await uploadToHost(f)).path)
        }}
      />
    </div>
  )
}

/** "Browse…" beside a path field, where the host has a native file dialog (Electron); nothing on the web host. */
export function BrowseButton(o: {
  mode: 'open' | 'save'
  title: string
  current: string
  expect?: string[]
  fileType?: string
  onPick: (path: string) => void
  testId?: string
}) {
  if (!nativePicker) return null
  return (
    <button
      type="button"
      className="btn ghost small"
      data-testid={o.testId}
      onClick={async () => {
        const p = await askPath({
          title: o.title,
          hint: '',
          initial: o.current,
          expect: o.expect,
          fileType: o.fileType,
          mode: o.mode,
        })
        if (p) o.onPick(p)
      }}
    >
      Browse…
    </button>
  )
}
