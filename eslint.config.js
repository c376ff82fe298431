import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

import local from './eslint/index.js';
import { FOREIGN_TABLE_ALLOWLIST, TABLE_OWNERS } from './eslint/table-owners.js';
import { TLS_VERIFICATION_OFF } from './eslint/tls-verification.js';

const NO_FOCUSED_TESTS = [
  {
    selector: "CallExpression[callee.object.name='describe'][callee.property.name='only']",
    message: 'no .only in committed tests',
  },
  {
    selector: "CallExpression[callee.object.name='it'][callee.property.name=/^(only|skip)$/]",
    message: 'no .only/.skip in committed tests',
  },
  {
    selector: "CallExpression[callee.object.name='test'][callee.property.name=/^(only|skip)$/]",
    message: 'no .only/.skip in committed tests',
  },
  {
    selector: "CallExpression[callee.object.name='describe'][callee.property.name='skip']",
    message: 'no .skip in committed tests',
  },
  {
    selector: 'CallExpression[callee.name=/^(xit|xdescribe|fit|fdescribe)$/]',
    message: 'no focused or skipped tests',
  },
];

const ALWAYS_FORBIDDEN = [...NO_FOCUSED_TESTS, ...TLS_VERIFICATION_OFF];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.local/', 'coverage/', 'test-output/', 'apps/*/web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-syntax': ['error', ...ALWAYS_FORBIDDEN],
    },
  },
  {
    // The portal's pages run in browsers.
    files: ['apps/portal/src/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // NestJS injects by the emitted constructor parameter types: a type-only
    // import would erase the class the injector needs.
    files: [
      'apps/**/*.ts',
      'libs/**/*.module.ts',
      'libs/**/*.controller.ts',
      'libs/**/*.service.ts',
      'libs/**/*.provider.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Only libs/config reads the environment (STYLE.md: configuration validated once).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**', 'libs/testing/**', '**/*.spec.ts', '**/bench/**', '**/node/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through libs/config' },
      ],
    },
  },
  {
    // One strict parser on every decode path (libs/protocol/src/json): JSON.parse resolves a duplicate key
    // silently and lets a `__proto__` through, so production code never calls it, nor Response.json().
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/integration/**',
      '**/bench/**',
      'libs/testing/**',
      'libs/protocol/src/json/strict-json.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...ALWAYS_FORBIDDEN,
        {
          selector: "MemberExpression[object.name='JSON'][property.name='parse']",
          message: 'parse JSON with parseStrictJson from @registry-bus/protocol (duplicate keys, __proto__ refused)',
        },
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='json'][arguments.length=0]",
          message: 'read the body as text and parse it with parseStrictJson from @registry-bus/protocol',
        },
      ],
    },
  },
  {
    // A table belongs to one lib (STYLE.md): SQL naming it is written there only (eslint/README.md).
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/integration/**', '**/bench/**', 'libs/testing/**'],
    plugins: { local },
    rules: {
      'local/no-foreign-table-sql': ['error', { owners: TABLE_OWNERS, allowlist: FOREIGN_TABLE_ALLOWLIST }],
    },
  },
  {
    // The Kafka port (libs/bus/src/transport): each client (kafkajs, @platformatic/kafka) is an adapter behind
    // it in libs/bus/src/kafka, named nowhere else in production code (issue #22). Tests may use them raw.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/integration/**', '**/bench/**', 'libs/testing/**', 'libs/bus/src/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message: 'use the Kafka port (KafkaTransport from @registry-bus/bus); kafkajs lives in its adapter only',
            },
            {
              name: '@platformatic/kafka',
              message:
                'use the Kafka port (KafkaTransport from @registry-bus/bus); @platformatic/kafka lives in its adapter only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint/**/*.spec.js'],
    languageOptions: { globals: globals.jest },
  },
);
