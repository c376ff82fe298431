// Prints the public trust bundle of the local stack (npm run trust-bundle):
// departments, key ids, public keys, validity, and the governance signature.
// It never prints a secret key.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseStrictJson } from '../json/strict-json.js';

const localDir = process.argv[2] ?? join(process.cwd(), '.local');
const file = join(localDir, 'trust-bundle.json');
if (!existsSync(file)) {
  console.error(`no trust bundle at ${file}: npm start creates the development keys and bundle`);
  process.exit(1);
}
const root = readFileSync(join(localDir, 'trust-root.pub'), 'utf8').trim();
console.log(
  JSON.stringify({ rootPublicKey: root, ...(parseStrictJson(readFileSync(file, 'utf8'), file) as object) }, null, 2),
);
