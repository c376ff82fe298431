// Writes docs/asyncapi.yaml from the event type registry:
//   node --import ./scripts/ts-loader/register.js libs/contracts/src/node/write-asyncapi.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { stringify } from 'yaml';

import { asyncApiYaml } from './asyncapi-yaml.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'asyncapi.yaml');
writeFileSync(target, asyncApiYaml(stringify));
console.log(`wrote ${target}`);
