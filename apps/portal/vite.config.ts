import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

const lib = (path: string) => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));

/**
 * The portal is static files served by the notary under /portal/, built
 * from these sources and the same libs/receipts, libs/merkle and
 * libs/protocol code the CLI runs. `@registry-bus/protocol` maps to its
 * browser entry (no node:* imports). Everything is bundled: no CDN.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/portal/',
  publicDir: false,
  resolve: {
    alias: {
      '@registry-bus/protocol': lib('protocol/src/browser.ts'),
      '@registry-bus/merkle': lib('merkle/src/index.ts'),
      '@registry-bus/receipts': lib('receipts/src/index.ts'),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/portal', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; no inline scripts, so the strict Content-Security-Policy holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
