import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// TypeScript is loaded on first use: most processes that register the hooks run no .ts file.
let ts;
async function typescript() {
  ts ??= (await import('typescript')).default;
  return ts;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIB_ALIAS = /^@registry-bus\/([a-z0-9-]+)$/;

const compilerOptions = () => ({
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: true,
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
});

export async function resolve(specifier, context, nextResolve) {
  const alias = LIB_ALIAS.exec(specifier);
  if (alias) {
    const file = join(root, 'libs', alias[1], 'src', 'index.ts');
    if (existsSync(file)) return { url: pathToFileURL(file).href, format: 'module', shortCircuit: true };
  }
  // Sources import siblings as './x.js' (Node ESM rules); the file on disk is './x.ts'.
  if (
    (specifier.startsWith('.') || specifier.startsWith('/')) &&
    specifier.endsWith('.js') &&
    context.parentURL?.startsWith('file:')
  ) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (!existsSync(fileURLToPath(new URL(specifier, context.parentURL))) && existsSync(fileURLToPath(candidate))) {
      return { url: candidate.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    await typescript();
    const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), {
      compilerOptions: compilerOptions(),
      fileName,
    });
    return { format: 'module', source: outputText, shortCircuit: true };
  }
  return nextLoad(url, context);
}
