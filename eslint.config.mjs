// ESLint: the layering as rules (issue 24). Formatting is Prettier's (.prettierrc.json); this
// file checks what a formatter cannot: which folder may import which, and how long a file grows.
// Both run in `npm test` (scripts/test-all.mjs) and so in CI.
import { readFileSync } from 'node:fs'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

/** Files already over the line limit, listed so they shrink and none joins them (scripts/house-count.mjs checks the list). */
const { longFiles } = JSON.parse(readFileSync(new URL('./scripts/house-limits.json', import.meta.url), 'utf8'))

const TESTS = ['**/*.test.ts', '**/*.spec.ts', 'src-main/test-support/**']
const ENGINE_FOLDERS = ['sqlite', 'postgres', 'mariadb']

/** A no-restricted-imports entry: import specifiers matching `regex` are refused with `message`. */
const refuse = (regex, message) => ({ regex, message })

const RENDERER_PATTERNS = [
  refuse(
    String.raw`(^|/)src-main(/|$)`,
    'The renderer never imports main: ask through the bridge (src-shared/contract.ts).',
  ),
  refuse(
    String.raw`^(electron|node:.*|better-sqlite3|pg|ws)$`,
    'The renderer runs in a browser page: no Electron, Node or database drivers.',
  ),
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'e2e/artifacts/**', 'bench/tmp/**', '.tmp/**', 'resources/**', 'dist/**'] },
  {
    files: ['**/*.{ts,tsx,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  { files: [...longFiles, ...TESTS, 'e2e/**', 'bench/**', 'scripts/**'], rules: { 'max-lines': 'off' } },

  // The renderer runs in a browser page: nothing of main, no Node, no Electron, no drivers.
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': ['error', { patterns: RENDERER_PATTERNS }],
    },
  },
  // Components ask their feature's api.ts (or actions) for what they need, never the bridge.
  {
    files: ['src-renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...RENDERER_PATTERNS,
            {
              regex: String.raw`(^|/)bridge/client$`,
              importNames: ['call'],
              message: "Components do not call the bridge: add the request to the feature's api.ts and call that.",
            },
          ],
        },
      ],
    },
  },
  // Shared code runs on both sides: it imports only shared code and libraries that run anywhere.
  {
    files: ['src-shared/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            refuse(
              String.raw`(^|/)src-(main|renderer|preload)(/|$)`,
              'src-shared imports only src-shared: it is compiled into main and the renderer.',
            ),
            refuse(
              String.raw`^(electron|node:.*|better-sqlite3|pg|ws)$`,
              'src-shared runs in the renderer too: no Electron, Node or drivers.',
            ),
          ],
        },
      ],
    },
  },
  // The preload learns method names only, never main's code or the renderer's.
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            refuse(String.raw`(^|/)src-(main|renderer)(/|$)`, 'The preload imports only src-shared.'),
            refuse(
              String.raw`(^|/)src-shared/contract$`,
              'The preload learns names only: import src-shared/contract-names, not the contract with its zod schemas (240 KB).',
            ),
          ],
        },
      ],
    },
  },
  // Main, in blocks that do not overlap (a later block's no-restricted-imports would replace an
  // earlier one's): Electron only at the shell; engine folders only through the registry; db/
  // below the features; the transport imported only by the hosts that mount it.
  ...mainBlocks(),
)

function mainBlocks() {
  const engines = ENGINE_FOLDERS.join('|')
  const FEATURES = 'tx|orm|model|data|normalize|cli|host|bridge|clients|sample'
  const noElectron = refuse(
    String.raw`^electron$`,
    'Electron is imported only by the shell (src-main/index.ts, src-main/window.ts): services run in the web host too.',
  )
  const noRenderer = refuse(String.raw`(^|/)src-renderer(/|$)`, 'Main never imports the renderer.')
  const noEngineFolders = refuse(
    String.raw`(^|/)db/(${engines})/|^\./(${engines})/`,
    'Engine code is reached through the registry (src-main/db/open-driver.ts: openDriver, dialectFor, engineRoles), never imported directly.',
  )
  const noTransport = refuse(
    String.raw`(^|/)bridge/`,
    'Services never import the transport (src-main/bridge/); events go through src-main/events/.',
  )
  const block = (files, patterns, ignores = []) => ({
    files,
    ignores: [...TESTS, ...ignores],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })
  const REGISTRY = ['src-main/db/open-driver.ts', 'src-main/db/playground.ts']
  const TESTER = 'src-main/tx/isolation-tester.ts'
  return [
    ...ENGINE_FOLDERS.map((engine) =>
      block(
        [`src-main/db/${engine}/**/*.ts`],
        [
          refuse(
            String.raw`^\.\./(${ENGINE_FOLDERS.filter((e) => e !== engine).join('|')})/`,
            "An engine's folder never imports another engine's.",
          ),
          refuse(
            String.raw`^(\.\./){2,}(${FEATURES})/`,
            'db/ is below the features and the transport: it imports src-shared, events/ and db/ only.',
          ),
          noElectron,
        ],
      ),
    ),
    block(
      ['src-main/db/*.ts'],
      [
        refuse(String.raw`^\.\./(${FEATURES})/`, 'db/ is below the features and the transport.'),
        noEngineFolders,
        noElectron,
      ],
      REGISTRY,
    ),
    // The registry, and the bundled PostgreSQL server (the playground), are made of engine parts.
    block(REGISTRY, [
      refuse(String.raw`^\.\./(${FEATURES})/`, 'db/ is below the features and the transport.'),
      noElectron,
    ]),
    block(
      ['src-main/{tx,orm,model,data,normalize,schema,clients,sample,events}/**/*.ts'],
      [noTransport, noEngineFolders, noElectron, noRenderer],
      [TESTER],
    ),
    // The one named exception: PostgreSQL's isolationtester, reimplemented, speaks libpq's protocol.
    block([TESTER], [noTransport, noElectron, noRenderer]),
    block(
      ['src-main/{bridge,host,cli}/**/*.ts', 'src-main/*.ts'],
      [noEngineFolders, noElectron, noRenderer],
      ['src-main/index.ts', 'src-main/window.ts'],
    ),
    block(['src-main/index.ts', 'src-main/window.ts'], [noEngineFolders, noRenderer]),
  ]
}
