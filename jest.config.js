// Two projects: `unit` needs nothing but Node; `integration` gets a real Kafka
// and a real Postgres from libs/testing's globalSetup (see README, "Tests").
// The code base is ESM (NestJS 12 ships ESM only), so Jest runs with
// --experimental-vm-modules (see package.json) and ts-jest in ESM mode.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootDir = dirname(fileURLToPath(import.meta.url));
const libs = readdirSync(join(rootDir, 'libs'));

const moduleNameMapper = {
  ...Object.fromEntries(libs.map((lib) => [`^@registry-bus/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`])),
  // Source files import siblings as './x.js' (Node ESM rules); Jest resolves the .ts.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const common = {
  rootDir,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', useESM: true }],
  },
  moduleNameMapper,
};

// `npm run test:unit` / `test:integration` pick one project through JEST_PROJECTS
// (Jest's --selectProjects would swallow the path patterns that follow it).
const selected = (process.env.JEST_PROJECTS ?? 'unit,integration').split(',');

const projects = [
  {
    ...common,
    displayName: 'unit',
    testMatch: ['<rootDir>/{apps,libs,scripts,docker}/**/*.spec.ts', '<rootDir>/eslint/**/*.spec.js'],
    testPathIgnorePatterns: ['/node_modules/', '/integration/', '/dist/'],
  },
  {
    ...common,
    displayName: 'integration',
    testMatch: ['<rootDir>/{apps,libs}/**/integration/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    globalSetup: '<rootDir>/libs/testing/jest/global-setup.js',
    globalTeardown: '<rootDir>/libs/testing/jest/global-teardown.js',
    testTimeout: 120000,
  },
];

// testTimeout is a global option in Jest 30 (a per-project value is ignored): integration tests need it.
export default { testTimeout: 120000, projects: projects.filter((project) => selected.includes(project.displayName)) };
