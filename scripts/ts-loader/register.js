// Lets Node run the TypeScript sources directly (scripts, the CLI, benchmarks,
// Jest's globalSetup): `node --import ./scripts/ts-loader/register.js x.ts`.
// It transpiles with the project's own TypeScript (the one compiler of build,
// tests and CLI) and resolves `@registry-bus/<lib>` to libs/<lib>/src/index.ts.
import { register } from 'node:module';

register('./hooks.js', import.meta.url);
