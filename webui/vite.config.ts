import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Build of the web UI: `npx vite build --config webui/vite.config.ts` writes static files to
 * dist/webui/, which the daemon serves at `/`. The dev server proxies the API to a running daemon
 * (NASCTL_DAEMON, default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: `${here}../dist/webui`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': process.env.NASCTL_DAEMON ?? 'http://127.0.0.1:8080',
      '/socket.io': { target: process.env.NASCTL_DAEMON ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
});
