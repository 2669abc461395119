import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, loadEnv } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig(({ mode }) => {
  // The dev server forwards /api to the api started from the same environment (API_HOST, API_PORT).
  const env = loadEnv(mode, repoRoot, 'API_');
  const apiTarget = `http://${env.API_HOST || '127.0.0.1'}:${env.API_PORT || '3000'}`;

  return {
    root: webRoot,
    plugins: [vue()],
    resolve: {
      // Only the shared contracts, never server code, can be imported by the browser bundle.
      alias: { '@hotline/contracts': `${repoRoot}libs/contracts/src/index.ts` },
    },
    define: {
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
    },
    build: {
      outDir: `${repoRoot}dist/web`,
      emptyOutDir: true,
    },
    server: {
      // ws: the realtime socket (/api/socket.io) goes through the same rule.
      proxy: { '/api': { target: apiTarget, ws: true } },
    },
  };
});
