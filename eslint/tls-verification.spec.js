import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

// Through the project's own config, so the rule is proved to reach tests and production code alike.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function messagesOf(code, file) {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => `${m.line}: ${m.message}`);
}

describe('certificate and hostname verification cannot be switched off', () => {
  const off = [
    "export const a = { ca: 'x', rejectUnauthorized: false };",
    'export const b = { checkServerIdentity: () => undefined };',
    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
    "process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';",
  ].join('\n');

  it.each([
    'test/e2e/some.spec.ts',
    'libs/bus/integration/some.spec.ts',
    'libs/kit/src/some.ts',
    'apps/notary/src/x.ts',
  ])('is refused in %s, each way by its own message', async (file) => {
    const messages = await messagesOf(off, file);

    expect(messages).toEqual([
      '1: keep certificate verification on: trust the CA (KAFKA_SSL_CA_FILE, the development CA) instead',
      '2: keep Node’s hostname verification: give the certificate the right SAN instead',
      '3: NODE_TLS_REJECT_UNAUTHORIZED switches off every TLS check in the process: trust the CA instead',
      '4: NODE_TLS_REJECT_UNAUTHORIZED switches off every TLS check in the process: trust the CA instead',
    ]);
  });

  it('lets verification stay on', async () => {
    const messages = await messagesOf(
      "export const a = { ca: 'x', rejectUnauthorized: true };",
      'libs/kit/src/some.ts',
    );

    expect(messages).toEqual([]);
  });
});
