import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices, type ServiceOptions } from '../services'

/** Real services on a throwaway data directory, as the web host builds them. */
export function testServices(overrides: Partial<ServiceOptions> = {}) {
  return createServices({
    dataDir: mkdtempSync(join(tmpdir(), 'schemist-data-')),
    resourcesDir: join(__dirname, '../../resources'),
    transport: 'web',
    version: '0.0.0-test',
    encryptor: null,
    ...overrides,
  })
}
