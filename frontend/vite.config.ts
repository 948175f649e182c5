import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.CHATFLOW_API_URL ?? 'http://localhost:8000';

// The client calls the API with relative URLs (same origin); in development Vite forwards
// the API's paths to the backend, WebSocket upgrades included.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 3000,
    strictPort: true,
    proxy: {
      '/auth': api,
      '/users': api,
      '/conversations': api,
      '/search': api,
      '/health': api,
      '/docs': api,
      '/ws': { target: api, ws: true },
    },
  },
  preview: { port: 3000, strictPort: true },
  build: { outDir: 'dist', sourcemap: true },
});
