import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { SECURITY_HEADERS } from './security-headers';

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
      // Uploads, and the files behind attachments' signed URLs (relative: /attachments/{id}/…).
      '/attachments': api,
      '/health': api,
      '/docs': api,
      '/ws': { target: api, ws: true },
    },
  },
  // `npm start` serves the built client this way: with the security headers (security-headers.ts).
  preview: { port: 3000, strictPort: true, headers: SECURITY_HEADERS },
  build: { outDir: 'dist', sourcemap: true },
});
