// The workbench build: `npm install` runs it (the root package's `prepare` script); the API
// serves web/dist at `/`. Output is gitignored.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  logLevel: 'warn',
});
