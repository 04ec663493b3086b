import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { tokenRoute } from './server/token-route.js';

/** /api/token in `vite` and `vite preview`, the same handler the production server mounts. */
function realstreamTokenRoute(): Plugin {
  return {
    name: 'realstream-token-route',
    configureServer(server) {
      server.middlewares.use(tokenRoute());
    },
    configurePreviewServer(server) {
      server.middlewares.use(tokenRoute());
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [react(), realstreamTokenRoute()],
  server: { port: Number(process.env.PORT ?? 5173), strictPort: true },
  // The second build (`--ssr server/serve.ts`) is the production server: no public/ files in it.
  build: {
    copyPublicDir: !isSsrBuild,
    // React, and Realstream with its dependencies (lit, marked, zod), in chunks of their own: each
    // stays cached until its own versions move. (In this repository the @realstream packages
    // resolve to packages/, not node_modules/.)
    rolldownOptions: isSsrBuild
      ? {}
      : {
          output: {
            codeSplitting: {
              groups: [
                { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
                { name: 'realstream', test: /node_modules|[\\/]packages[\\/]/ },
              ],
            },
          },
        },
  },
}));
