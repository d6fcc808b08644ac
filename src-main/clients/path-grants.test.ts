import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emptyModel } from '../../src-shared/model/document'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import { testServices } from '../test-support/services'

// Where the host has a native file dialog (the desktop shell), the renderer can name only files
// the user picked there or the app listed itself: a compromised page cannot read or write others.
describe('file paths under a host with a native dialog', () => {
  it('a path never picked is refused; the same path picked in the dialog is then allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-grants-'))
    const target = join(dir, 'model.schemist.json')
    let answer: string | null = null
    const services = await testServices({ transport: 'electron', pickPath: async () => answer })
    try {
      const call = createRouter(createHandlers(services))
      const doc = emptyModel('m')
      expect(await call('model.save', { path: target, doc })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      })
      expect(await call('model.open', { path: '/etc/passwd' })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      })
      expect(
        await call('connections.open', {
          config: { engine: 'sqlite', path: '/etc/shadow', create: false, readOnly: true },
        }),
      ).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
      answer = target
      expect(await call('app.pickPath', { mode: 'save', title: 'Save the model' })).toMatchObject({
        ok: true,
        value: { path: target },
      })
      expect(await call('model.save', { path: target, doc })).toMatchObject({ ok: true })
      expect(await call('model.open', { path: target })).toMatchObject({ ok: true })
      // The app's own data folder and saved connections need no dialog.
      expect(await call('connections.open', { id: 'sample' })).toMatchObject({ ok: true })
    } finally {
      await services.dispose()
    }
  })

  it('the web host, which has no native dialog, takes the paths the user types', async () => {
    const services = await testServices()
    try {
      const call = createRouter(createHandlers(services))
      const path = join(mkdtempSync(join(tmpdir(), 'schemist-grants-')), 'm.json')
      expect(await call('model.save', { path, doc: emptyModel('m') })).toMatchObject({ ok: true })
    } finally {
      await services.dispose()
    }
  })
})
