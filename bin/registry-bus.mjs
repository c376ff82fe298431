#!/usr/bin/env node
// `npx registry-bus …`: the offline verifier (scripts/cli/registry-bus.ts),
// run from the TypeScript sources with the project's own compiler.
import { register } from 'node:module';

register('../scripts/ts-loader/hooks.js', import.meta.url);
await import('../scripts/cli/registry-bus.ts');
