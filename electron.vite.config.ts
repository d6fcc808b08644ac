import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Main-side entries: the Electron entry, the web host (same services over WebSocket),
// the SQLite and dependency-discovery worker threads, and the headless CLI. All share one build so the web host
// runs exactly the code Electron runs.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          'web-host': resolve(__dirname, 'src-main/host/web-main.ts'),
          'sqlite-worker': resolve(__dirname, 'src-main/db/sqlite/sqlite-worker.ts'),
          'discover-worker': resolve(__dirname, 'src-main/normalize/discover-worker.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle the contract's zod into it.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src-preload/index.ts') } },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})
