import { call, errorMessage } from '../../bridge/client'
import { getState, setState, toast } from '../../app/store'
import { closeConnection, loadSaved, openSaved } from '../connections/actions'

export async function startPlayground() {
  try {
    const status = await call('playground.start', {})
    setState({ playground: status })
    await loadSaved()
    if (status.connectionId) await openSaved(status.connectionId)
    toast('success', `PostgreSQL playground running on port ${status.port}`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

async function closePlaygroundHandle() {
  const h = getState().handleBySaved['playground']
  if (h) await closeConnection(h)
}

export async function stopPlayground() {
  await closePlaygroundHandle()
  try {
    setState({ playground: await call('playground.stop', {}) })
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

export async function resetPlayground() {
  if (!confirm('Reset the playground? Every change in its database is lost, and the sample schema is loaded again.'))
    return
  await closePlaygroundHandle()
  try {
    const status = await call('playground.reset', {})
    setState({ playground: status })
    if (status.connectionId) await openSaved(status.connectionId)
    toast('success', 'Playground reset to the sample schema')
  } catch (e) {
    toast('error', errorMessage(e))
  }
}
