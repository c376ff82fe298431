import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { signTrustBundle, testSigner, toBase64 } from '@registry-bus/protocol';
import { testReceipt } from '@registry-bus/testing';

import { anchoredReceipt, ledgerExport, rewrittenAt, rootOfFirst, sealedChain } from './consistent-fixture.js';
import { anchoredExport, checkpointNote } from './freshness-fixture.js';

const run = promisify(execFile);

/**
 * An export held to the latest checkpoint (issue #23), as a user runs the
 * CLI: `verify-ledger` exits 0 fresh, 4 freshness unchecked, 5 stale, 1 when
 * the export contradicts the checkpoint; `consistent` holds the newer export
 * to it. Asynchronously: the notary of the `--from` case answers from this process.
 */
describe('registry-bus verify-ledger and consistent against the latest checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-freshness-'));
  const root = testSigner('governance', 'root');
  const chain = sealedChain(12);
  const witnesses = ['credit', 'court', 'bond'];
  /** Two hours and a half-minute ago: "2 h", however long the runs take. */
  const cosignedAt = new Date(Date.now() - 2 * 3600_000 - 30_000);
  const trustArgs = ['--trust', join(dir, 'bundle.json'), '--root', join(dir, 'root.pub')];
  let note12: string;

  beforeAll(async () => {
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(await signTrustBundle(testReceipt([]).bundle, root)));
    writeFileSync(join(dir, 'root.pub'), `${toBase64(root.publicKey)}\n`);
    note12 = await checkpointNote(chain, 12, witnesses, cosignedAt);
    write('checkpoint-12.txt', note12);
    write('whole.jsonl', anchoredExport(chain, witnesses));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: string) {
    writeFileSync(join(dir, name), content);
    return name;
  }
  async function cli(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(process.cwd(), 'bin/registry-bus.mjs'), ...args], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: 0, out: stdout, err: stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { status: failed.code, out: failed.stdout, err: failed.stderr };
    }
  }
  const firstLine = (out: string) => out.split('\n')[0];
  const freshnessLine = (out: string) => out.split('\n').find((line) => line.startsWith('  freshness: '));

  describe('verify-ledger', () => {
    it('0 for an export with every entry of the checkpoint: VALID (fresh: …)', async () => {
      const sut = await cli('verify-ledger', 'whole.jsonl', '--checkpoint', 'checkpoint-12.txt', ...trustArgs);
      expect(sut.err).toBe('');
      expect(sut.status).toBe(0);
      expect(firstLine(sut.out)).toBe(
        'VALID (fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago)  the land ledger: 12 entries, every hash, link, signature and disclosed field checked',
      );
      expect(freshnessLine(sut.out)).toBe('  freshness: fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago');
    }, 60_000);

    it('4 without a checkpoint: VALID (freshness unchecked)', async () => {
      const sut = await cli('verify-ledger', 'whole.jsonl', ...trustArgs);
      expect(sut.status).toBe(4);
      expect(firstLine(sut.out)).toBe(
        'VALID (freshness unchecked)  the land ledger: 12 entries, every hash, link, signature and disclosed field checked',
      );
      expect(freshnessLine(sut.out)).toBe(
        '  freshness: unchecked — pass --checkpoint <note> or --from <notary URL> to hold the export to the latest checkpoint a quorum cosigned',
      );
    }, 60_000);

    it('5 for an export of the first 10 entries, anchored and witnessed, when the checkpoint has 12: STALE', async () => {
      write('first-10.jsonl', anchoredExport(chain.slice(0, 10), witnesses));
      const sut = await cli('verify-ledger', 'first-10.jsonl', '--checkpoint', 'checkpoint-12.txt', ...trustArgs);
      expect(sut.status).toBe(5);
      expect(firstLine(sut.out)).toBe(
        'STALE (checkpoint 12 cosigned by credit, court, bond 2 h ago; the export has 10 entries)  the land ledger: 10 entries, every hash, link, signature and disclosed field checked',
      );
      expect(freshnessLine(sut.out)).toBe(
        '  freshness: stale: the export has 10 entries, the latest checkpoint 12 (cosigned by credit, court, bond 2 h ago): the export is older than the checkpoint, and cannot be checked for consistency with it without a consistency proof',
      );
    }, 60_000);

    it('1 for an export that rewrote entry 2 and left out the anchors that would show it: INVALID, naming both roots', async () => {
      const rewritten = rewrittenAt(chain, 2);
      write('rewritten.jsonl', ledgerExport(rewritten));
      const sut = await cli('verify-ledger', 'rewritten.jsonl', '--checkpoint', 'checkpoint-12.txt', ...trustArgs);
      expect(sut.status).toBe(1);
      expect(firstLine(sut.out)).toBe(
        `INVALID  the land ledger, at checkpoint of 12 entries: the export agrees with the latest checkpoint a quorum of witnesses cosigned — FAILED (outside-checkpoint): the first 12 entries have root ${rootOfFirst(rewritten, 12)}, the checkpoint of 12 entries cosigned by credit, court, bond 2 h ago has root ${rootOfFirst(chain, 12)}: the export contradicts a checkpoint a quorum cosigned (a rewritten or forked history)`,
      );
    }, 60_000);

    it('3 for an export whose own anchor is below quorum, even when it is fresh', async () => {
      write('owner-only.jsonl', anchoredExport(chain, ['land']));
      const sut = await cli('verify-ledger', 'owner-only.jsonl', '--checkpoint', 'checkpoint-12.txt', ...trustArgs);
      expect(sut.status).toBe(3);
      expect(firstLine(sut.out)).toMatch(/^VALID — below quorum \(witnessed by land\) {2}the land ledger: 12 entries/);
      expect(freshnessLine(sut.out)).toBe('  freshness: fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago');
    }, 60_000);

    it('2 for a checkpoint below its quorum, or signed by a key that is not the notary’s', async () => {
      write('checkpoint-owner.txt', await checkpointNote(chain, 12, ['land', 'credit'], cosignedAt));
      expect(await cli('verify-ledger', 'whole.jsonl', '--checkpoint', 'checkpoint-owner.txt', ...trustArgs)).toEqual({
        status: 2,
        out: '',
        err: "registry-bus: cannot hold whole.jsonl to the checkpoint from checkpoint-owner.txt: it is below its quorum (quorum: 1 of 3 independent cosignatures (land's own does not count))\n",
      });
      write('checkpoint-forged.txt', await checkpointNote(chain, 12, witnesses, cosignedAt, testSigner('land')));
      expect(await cli('verify-ledger', 'whole.jsonl', '--checkpoint', 'checkpoint-forged.txt', ...trustArgs)).toEqual({
        status: 2,
        out: '',
        err: 'registry-bus: cannot hold whole.jsonl to the checkpoint from checkpoint-forged.txt: the checkpoint carries no valid signature of a notary key of the trust bundle\n',
      });
    }, 120_000);

    describe('--from <notary URL>', () => {
      let server: Server;
      let base: string;
      const requested: string[] = [];

      beforeAll(async () => {
        server = createServer((request, response) => {
          requested.push(request.url!);
          if (request.url === '/v1/checkpoints/land') {
            response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(note12);
          } else {
            response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"CHECKPOINT.NONE"}');
          }
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it('0, with the checkpoint fetched from <notary>/v1/checkpoints/land', async () => {
        const sut = await cli('verify-ledger', 'whole.jsonl', '--from', `${base}/`, ...trustArgs);
        expect(sut.err).toBe('');
        expect(sut.status).toBe(0);
        expect(firstLine(sut.out)).toMatch(
          /^VALID \(fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago\) {2}/,
        );
        expect(requested).toEqual(['/v1/checkpoints/land']);
      }, 60_000);

      it('2 when the notary has no checkpoint of the chain, passing on its answer', async () => {
        // Fetched before any entry is checked: the header's chain is all the request needs.
        write('court.jsonl', ledgerExport(sealedChain(1)).replace(/"land"/g, '"court"'));
        const sut = await cli('verify-ledger', 'court.jsonl', '--from', base, ...trustArgs);
        expect(sut).toEqual({
          status: 2,
          out: '',
          err: `registry-bus: ${base}/v1/checkpoints/court answered 404: {"code":"CHECKPOINT.NONE"}\n`,
        });
      }, 60_000);
    });
  });

  describe('consistent --checkpoint', () => {
    it('0 for two exports, the newer fresh', async () => {
      write('short.jsonl', ledgerExport(chain.slice(0, 5)));
      write('long.jsonl', ledgerExport(chain));
      const sut = await cli(
        'consistent',
        'short.jsonl',
        'long.jsonl',
        '--checkpoint',
        'checkpoint-12.txt',
        ...trustArgs,
      );
      expect(sut.status).toBe(0);
      expect(firstLine(sut.out)).toBe(
        'CONSISTENT land 5 → 12 (fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago)',
      );
    }, 60_000);

    it('5 when the newer export is older than the checkpoint', async () => {
      write('short.jsonl', ledgerExport(chain.slice(0, 5)));
      write('first-10-plain.jsonl', ledgerExport(chain.slice(0, 10)));
      const sut = await cli(
        'consistent',
        'short.jsonl',
        'first-10-plain.jsonl',
        '--checkpoint',
        'checkpoint-12.txt',
        ...trustArgs,
      );
      expect(sut.status).toBe(5);
      expect(sut.out.split('\n')).toEqual([
        'STALE land 5 → 10: consistent with each other, but first-10-plain.jsonl is older than the latest checkpoint',
        `  5 entries: root ${rootOfFirst(chain, 5)} (short.jsonl)`,
        `  10 entries: root ${rootOfFirst(chain, 10)} (first-10-plain.jsonl)`,
        '  checked entry by entry; signatures not checked (registry-bus verify each file)',
        '  stale: the export has 10 entries, the latest checkpoint 12 (cosigned by credit, court, bond 2 h ago): the export is older than the checkpoint, and cannot be checked for consistency with it without a consistency proof',
        '',
      ]);
    }, 60_000);

    it('1 when both exports rewrote entry 2 alike: consistent with each other, not with the checkpoint', async () => {
      const rewritten = rewrittenAt(chain, 2);
      write('rewritten-5.jsonl', ledgerExport(rewritten.slice(0, 5)));
      write('rewritten-12.jsonl', ledgerExport(rewritten));
      const sut = await cli(
        'consistent',
        'rewritten-5.jsonl',
        'rewritten-12.jsonl',
        '--checkpoint',
        'checkpoint-12.txt',
        ...trustArgs,
      );
      expect(sut).toEqual({
        status: 1,
        out: `INCONSISTENT land rewritten-12.jsonl and the latest checkpoint: the first 12 entries have root ${rootOfFirst(rewritten, 12)}, the checkpoint of 12 entries cosigned by credit, court, bond 2 h ago has root ${rootOfFirst(chain, 12)}: the export contradicts a checkpoint a quorum cosigned (a rewritten or forked history)\n`,
        err: '',
      });
    }, 60_000);

    it('0 for an export and a receipt of one size: the export is held to the checkpoint', async () => {
      write('long.jsonl', ledgerExport(chain));
      write('at-12.json', JSON.stringify(anchoredReceipt(chain, 9, 12)));
      const sut = await cli(
        'consistent',
        'at-12.json',
        'long.jsonl',
        '--checkpoint',
        'checkpoint-12.txt',
        ...trustArgs,
      );
      expect(sut.status).toBe(0);
      expect(firstLine(sut.out)).toBe(
        'CONSISTENT land 12 → 12 (fresh: checkpoint 12 cosigned by credit, court, bond 2 h ago)',
      );
    }, 60_000);

    it('2 when the newer input is a receipt', async () => {
      write('at-5.json', JSON.stringify(anchoredReceipt(chain, 2, 5)));
      write('at-5-again.json', JSON.stringify(anchoredReceipt(chain, 3, 5)));
      expect(
        await cli('consistent', 'at-5.json', 'at-5-again.json', '--checkpoint', 'checkpoint-12.txt', ...trustArgs),
      ).toEqual({
        status: 2,
        out: '',
        err: 'registry-bus: at-5-again.json is a receipt: a checkpoint is held to the newer input when it is an export (registry-bus verify-ledger --checkpoint for one export)\n',
      });
    }, 60_000);
  });
});
