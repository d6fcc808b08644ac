import { ENGINES, type PlaygroundEngine } from '../../../src-shared/engines'
import type { PlaygroundStatus } from '../../../src-shared/contract'
import { call, errorMessage } from '../../bridge/client'
import { getState, setState, toast } from '../../app/store'
import { closeConnection, loadSaved, openSaved } from '../connections/actions'

function remember(status: PlaygroundStatus) {
  setState({ playgrounds: { ...getState().playgrounds, [status.engine]: status } })
}

export async function startPlayground(engine: PlaygroundEngine) {
  try {
    const status = await call('playground.start', { engine })
    remember(status)
    await loadSaved()
    if (status.connectionId) await openSaved(status.connectionId)
    toast('success', `${ENGINES[engine].label} playground running on port ${status.port}`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

async function closePlaygroundHandle(engine: PlaygroundEngine) {
  const id = getState().playgrounds[engine]?.connectionId
  const h = id ? getState().handleBySaved[id] : undefined
  if (h) await closeConnection(h)
}

export async function stopPlayground(engine: PlaygroundEngine) {
  await closePlaygroundHandle(engine)
  try {
    remember(await call('playground.stop', { engine }))
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

export async function resetPlayground(engine: PlaygroundEngine) {
  const label = ENGINES[engine].label
  if (
    !confirm(
      `Reset the ${label} playground? Every change in its database is lost, and the sample schema is loaded again.`,
    )
  )
    return
  await closePlaygroundHandle(engine)
  try {
    const status = await call('playground.reset', { engine })
    remember(status)
    if (status.connectionId) await openSaved(status.connectionId)
    toast('success', `${label} playground reset to the sample schema`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}
