import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig, loadEnv } from 'vite';

const lib = (path: string) => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));

/**
 * The governance root key the page trusts, built into it: the page never
 * takes it from the server whose records it checks. PORTAL_TRUST_ROOT_FILE
 * names it (the key as published, base64); without it, the local stack's
 * .local/trust-root.pub when there is one (npm start makes it before it
 * builds the portal); without either, a page that says it cannot check.
 */
function builtInTrustRoot(named: string | undefined): string {
  const file = named ? resolve(named) : fileURLToPath(new URL('../../.local/trust-root.pub', import.meta.url));
  if (!existsSync(file)) {
    if (named)
      throw new Error(`PORTAL_TRUST_ROOT_FILE=${named}: no such file (the governance root public key, base64)`);
    return '';
  }
  const key = readFileSync(file, 'utf8').trim();
  if (Buffer.from(key, 'base64').length !== 32 || !/^[A-Za-z0-9+/]{43}=$/.test(key)) {
    throw new Error(`${file} is not an Ed25519 public key in base64 (the governance root key)`);
  }
  return key;
}

/**
 * The portal is static files served by its own app (apps/portal-server) under /portal/, built
 * from these sources and the same libs/receipts, libs/merkle and
 * libs/protocol code the CLI runs. `@registry-bus/protocol` maps to its
 * browser entry (no node:* imports). Everything is bundled: no CDN.
 */
export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/portal/',
  publicDir: false,
  define: {
    // loadEnv: the build's environment (and .env files), only the PORTAL_ variables.
    __PORTAL_TRUST_ROOT__: JSON.stringify(
      builtInTrustRoot(loadEnv(mode, process.cwd(), 'PORTAL_').PORTAL_TRUST_ROOT_FILE),
    ),
  },
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
}));
