import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { consistencyProof } from '@registry-bus/merkle';
import { toHex } from '@registry-bus/protocol';

import { anchoredReceipt, entryHashes, ledgerExport, rootOfFirst, sealedChain } from './consistent-fixture.js';

/**
 * `npx registry-bus consistent` as a user runs it, on files: its verdict
 * line and its exit code (0 consistent, 1 inconsistent, 2 cannot tell).
 */
describe('registry-bus consistent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-consistent-'));
  const chain = sealedChain(12);
  const proofFile = {
    chain: 'land',
    from: 5,
    to: 12,
    fromRoot: rootOfFirst(chain, 5),
    toRoot: rootOfFirst(chain, 12),
    proof: consistencyProof(entryHashes(chain), 5).map(toHex),
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return name;
  };
  const consistent = (...args: string[]) => {
    const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/registry-bus.mjs'), 'consistent', ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, out: result.stdout, err: result.stderr };
  };

  it('0 for two receipts and the ledger’s proof from 5 to 12', () => {
    write('a.json', anchoredReceipt(chain, 2, 5));
    write('b.json', anchoredReceipt(chain, 9, 12));
    write('proof.json', proofFile);
    const sut = consistent('b.json', 'a.json', '--proof', 'proof.json');
    expect(sut).toEqual({
      status: 0,
      out: [
        'CONSISTENT land 5 → 12',
        `  5 entries: root ${rootOfFirst(chain, 5)} (a.json)`,
        `  12 entries: root ${rootOfFirst(chain, 12)} (b.json)`,
        `  checked with the ledger's consistency proof (${proofFile.proof.length} hashes); signatures not checked (registry-bus verify each file)`,
        '',
      ].join('\n'),
      err: '',
    });
  }, 60_000);

  it('1 for a tampered proof', () => {
    write('a.json', anchoredReceipt(chain, 2, 5));
    write('b.json', anchoredReceipt(chain, 9, 12));
    const tampered = structuredClone(proofFile);
    tampered.proof[0] = '11'.repeat(32);
    write('tampered.json', tampered);
    expect(consistent('a.json', 'b.json', '--proof', 'tampered.json')).toEqual({
      status: 1,
      out: 'INCONSISTENT land 5 → 12: the proof does not lead from the root at 5 to the root at 12\n',
      err: '',
    });
  }, 60_000);

  it('1 for a proof whose root at 5 is not the receipt’s', () => {
    write('a.json', anchoredReceipt(chain, 2, 5));
    write('b.json', anchoredReceipt(chain, 9, 12));
    write('wrong-root.json', { ...proofFile, fromRoot: rootOfFirst(chain, 4) });
    expect(consistent('a.json', 'b.json', '--proof', 'wrong-root.json')).toEqual({
      status: 1,
      out: `INCONSISTENT land 5 → 12: the ledger's root at 5 is ${rootOfFirst(chain, 4)}, a.json states ${rootOfFirst(chain, 5)}\n`,
      err: '',
    });
  }, 60_000);

  it('0 for two exports, the shorter the first entries of the longer', () => {
    write('short.jsonl', ledgerExport(chain.slice(0, 5)));
    write('long.jsonl', ledgerExport(chain));
    const sut = consistent('short.jsonl', 'long.jsonl');
    expect(sut.status).toBe(0);
    expect(sut.out).toBe(
      [
        'CONSISTENT land 5 → 12',
        `  5 entries: root ${rootOfFirst(chain, 5)} (short.jsonl)`,
        `  12 entries: root ${rootOfFirst(chain, 12)} (long.jsonl)`,
        '  checked entry by entry; signatures not checked (registry-bus verify each file)',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('1 for two exports where the longer one rewrote entry 3', () => {
    const rewritten = [...chain.slice(0, 2), ...sealedChain(12, 3).slice(2)];
    write('short.jsonl', ledgerExport(chain.slice(0, 5)));
    write('rewritten.jsonl', ledgerExport(rewritten));
    expect(consistent('short.jsonl', 'rewritten.jsonl')).toEqual({
      status: 1,
      out: `INCONSISTENT land 5 → 12: entry 3 differs: short.jsonl has ${chain[2]!.envelope.hash}, rewritten.jsonl has ${rewritten[2]!.envelope.hash}\n`,
      err: '',
    });
  }, 60_000);

  it('2 for two receipts and no proof, naming what is missing', () => {
    write('a.json', anchoredReceipt(chain, 2, 5));
    write('b.json', anchoredReceipt(chain, 9, 12));
    expect(consistent('a.json', 'b.json')).toEqual({
      status: 2,
      out: '',
      err: 'registry-bus: b.json lists no entries: a consistency proof is needed (--proof <proof.json> or --from <department URL>)\n',
    });
  }, 60_000);

  it('2 for a file it cannot read, and for a receipt with a duplicate key', () => {
    write('a.json', anchoredReceipt(chain, 2, 5));
    expect(consistent('a.json', 'missing.json')).toMatchObject({
      status: 2,
      err: expect.stringMatching(/^registry-bus: cannot read missing\.json: ENOENT/) as unknown,
    });
    write('twice.json', '{"format":"registry-bus/receipt/v1","format":"x"}');
    expect(consistent('a.json', 'twice.json')).toEqual({
      status: 2,
      out: '',
      err: 'registry-bus: twice.json cannot be read: PROTOCOL.BAD_JSON: $.format: duplicate key in the receipt at character 36\n',
    });
  }, 60_000);
});
