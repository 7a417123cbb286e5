import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web interface's build: `npm run build:web` (and before `npm start` when the build is older
 * than its sources). Everything ships in the build (no CDN, no remote fonts, no run-time downloads);
 * the charts and the map are loaded only by the pages that draw them.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // The size of the first load is measured by `npm run bench -- --only web` (goal ≤ 300 KB gzip).
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
