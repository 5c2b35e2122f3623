import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // The Electron shell, and browser mode's plain-Node shell (no Electron import reaches it).
          index: resolve('src/main/index.ts'),
          web: resolve('src/main/web/main.ts'),
          'background-worker': resolve('src/main/background/worker.ts'),
        },
        // Shared chunks beside the entries: app.ts finds the worker as ./background-worker.js from whichever file holds it.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (zod, the contract)
      // into one CommonJS file, since it cannot load ES modules either.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      rollupOptions: {
        // web-api.js: window.api over HTTP for browser mode (src/preload/web.ts), at a fixed name the server puts first.
        input: { index: resolve('src/renderer/index.html'), 'web-api': resolve('src/preload/web.ts') },
        output: { entryFileNames: (chunk) => (chunk.name === 'web-api' ? '[name].js' : 'assets/[name]-[hash].js') },
      },
    },
  },
});
