// Runs before `npm start` and `npm test`, so a fresh clone needs exactly those
// two commands: it installs the locked dependencies once when they are missing.
// Plain JavaScript with no dependencies, since it runs before they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('dependencies are not installed yet: running npm ci once');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm ci failed; see above');
    process.exit(result.status ?? 1);
  }
}
