/**
 * Layer rules (STYLE.md, issue 2), checked by `npm run lint:layers`:
 * - libs/merkle, the pure parts of libs/protocol and libs/receipts import no
 *   framework and no Node-only module (they run unchanged in a browser);
 * - libs/access imports neither libs/bus nor libs/kit (both consume it);
 * - no lib imports an app; no app imports another app;
 * - nothing imports a lib's private files past its index.ts;
 * - the parts of the department runtime do not import each other, and only the kit reaches them.
 */
module.exports = {
  forbidden: [
    {
      name: 'merkle-is-pure',
      comment: 'libs/merkle runs in browsers: no node:* module, no framework, no other lib',
      severity: 'error',
      from: { path: '^libs/merkle/src', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^libs/merkle/src', '^node_modules/@noble/hashes'],
      },
    },
    {
      name: 'protocol-pure-parts-are-pure',
      comment: 'outside libs/protocol/src/node, the protocol runs in browsers',
      severity: 'error',
      from: {
        path: '^libs/protocol/src',
        pathNot: ['^libs/protocol/src/node/', '\\.spec\\.ts$', '^libs/protocol/src/index\\.ts$'],
      },
      to: {
        pathNot: [
          '^libs/protocol/src',
          '^libs/merkle/src',
          '^node_modules/(@noble/hashes|@noble/curves|@hpke/core|canonicalize|zod)/',
        ],
      },
    },
    {
      name: 'receipts-is-pure',
      comment: 'libs/receipts is the verifier a web page runs too: only the pure protocol and merkle libs',
      severity: 'error',
      from: { path: '^libs/receipts/src', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^libs/receipts/src', '^libs/protocol/src/index\\.ts$', '^libs/merkle/src'],
      },
    },
    {
      name: 'access-below-the-kit',
      comment:
        'libs/access is the rule the pipeline (libs/bus) and the kit both apply: it imports neither, nor the ledger',
      severity: 'error',
      from: { path: '^libs/access/src', pathNot: '\\.spec\\.ts$' },
      to: { path: ['^libs/(kit|bus|ledger|contracts|testing)/', '^apps/'] },
    },
    {
      name: 'portal-is-browser-code',
      comment:
        'the portal runs in browsers: its own files, the pure libs (Vite maps protocol to its browser entry), CSS',
      severity: 'error',
      from: { path: '^apps/portal/src' },
      to: {
        pathNot: ['^apps/portal/src', '^libs/(merkle|receipts)/src', '^libs/protocol/src/(index|browser)\\.ts$'],
      },
    },
    {
      name: 'no-lib-to-app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'apps-use-libs-through-index',
      comment: 'import @registry-bus/<lib>, never a file deep inside a lib',
      severity: 'error',
      from: { path: '^(apps|scripts)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'libs-use-other-libs-through-index',
      comment: 'a lib reaches another lib only through its index.ts',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'runtime-parts-are-independent',
      comment:
        'each part of the department runtime takes what it needs in its constructor: only the composition root (libs/kit/src/runtime/department-runtime.ts) puts parts together',
      severity: 'error',
      from: { path: '^libs/kit/src/runtime/parts/([^/]+)/' },
      to: { path: '^libs/kit/src/runtime/parts/', pathNot: '^libs/kit/src/runtime/parts/$1/' },
    },
    {
      name: 'runtime-internals-stay-in-the-kit',
      comment: 'apps and scripts use the runtime through @registry-bus/kit, never its parts, guards or lifecycle',
      severity: 'error',
      from: { path: '^(apps|scripts|test)/' },
      to: { path: '^libs/kit/src/runtime/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.local|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    builtInModules: { add: [] },
  },
};
