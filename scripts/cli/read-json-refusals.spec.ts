import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { signTrustBundle, testSigner, testTrustBundle, toBase64 } from '@registry-bus/protocol';

/** The offline verifier refuses a receipt or an export it would read two ways: exit 2 with the key named. */
describe('registry-bus verify on JSON read two ways', () => {
  let dir: string;

  const run = (command: string, content: string) => {
    const file = join(dir, command === 'verify' ? 'receipt.json' : 'ledger.jsonl');
    writeFileSync(file, content);
    const result = spawnSync(
      process.execPath,
      ['bin/registry-bus.mjs', command, file, '--trust', join(dir, 'bundle.json'), '--root', join(dir, 'root.pub')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { status: result.status, stderr: result.stderr.replace(`${file} `, '<file> ') };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registry-bus-cli-'));
    const root = testSigner('governance');
    const signed = await signTrustBundle(testTrustBundle({ land: [testSigner('land')] }), root);
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(signed));
    writeFileSync(join(dir, 'root.pub'), `${toBase64(root.publicKey)}\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a receipt with a duplicate key (exit 2)', () => {
    expect(run('verify', '{"a":1,"a":2}')).toEqual({
      status: 2,
      stderr:
        'registry-bus: <file> cannot be read: PROTOCOL.BAD_JSON: $.a: duplicate key in the receipt at character 7\n',
    });
  });

  it('refuses a receipt with a __proto__ field among its disclosed fields (exit 2)', () => {
    const receipt = '{"entry":{"disclosure":{"fields":{"__proto__":{"owner":"person:666"}}}}}';
    expect(run('verify', receipt)).toEqual({
      status: 2,
      stderr:
        'registry-bus: <file> cannot be read: PROTOCOL.BAD_JSON: $.entry.disclosure.fields.__proto__: forbidden key "__proto__" in the receipt at character 34\n',
    });
  });

  it('refuses an export line with a duplicate key or a __proto__ field (exit 2), naming the line', () => {
    expect(run('verify-ledger', '{"chain":"land"}\n{"envelope":{"seq":"1","seq":"2"}}\n')).toEqual({
      status: 2,
      stderr:
        'registry-bus: <file> line 2 cannot be read: PROTOCOL.BAD_JSON: $.envelope.seq: duplicate key in the export line at character 23\n',
    });
    expect(run('verify-ledger', '{"__proto__":{"chain":"land"}}\n')).toEqual({
      status: 2,
      stderr:
        'registry-bus: <file> line 1 cannot be read: PROTOCOL.BAD_JSON: $.__proto__: forbidden key "__proto__" in the export line at character 1\n',
    });
  });
});
