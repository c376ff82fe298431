import { createServer, type Server } from 'node:http';

import {
  encodeRecord,
  nodeSigner,
  redact,
  sealEntrySync,
  testSigner,
  testTrustBundle,
  type SealedEnvelope,
} from '@registry-bus/protocol';

import { mirrorSource, verifyMirrorRequest, type SourceRecord } from '../src/index.js';

const land = testSigner('land', 'key-1', nodeSigner);
const trust = testTrustBundle({ land: [land] });

/** A chain of land's, sealed here. */
function chainOf(length: number): SealedEnvelope[] {
  const entries: SealedEnvelope[] = [];
  for (let seq = 1; seq <= length; seq++)
    entries.push(
      sealEntrySync(
        {
          chain: 'land',
          seq,
          prevhash: entries.at(-1)?.hash ?? new Uint8Array(32),
          type: 'gov.land.parcel.registered.v1',
          subject: `M-${seq}`,
          data: { parcelId: `M-${seq}`, area: '1.00' },
          actor: 'clerk:1',
          time: new Date('2026-11-25T10:00:00Z'),
        },
        land,
      ),
    );
  return entries;
}

/**
 * A mirror on 127.0.0.1 that keeps `kept(seq)` of each entry ('full', 'redacted' or 'envelope'), checks every
 * request's signature as the real one does, and answers 429 to the first `busy` requests.
 */
async function fakeMirror(
  name: string,
  entries: SealedEnvelope[],
  kept: (seq: number) => 'full' | 'redacted' | 'envelope',
  busy = 0,
): Promise<{ server: Server; url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    try {
      verifyMirrorRequest(request.headers['registry-bus-signed-request'] as string, request.url!, trust);
    } catch (error) {
      response.writeHead(401).end((error as Error).message);
      return;
    }
    asked.push(request.url!);
    if (busy-- > 0) {
      response.writeHead(429, { 'retry-after': '0' }).end('{"detail":"slow down"}');
      return;
    }
    const query = new URL(request.url!, 'http://x').searchParams;
    const after = Number(query.get('after'));
    const limit = Number(query.get('limit'));
    const page = entries.slice(after, after + limit);
    const records = page.map((entry) => {
      const how = kept(Number(entry.envelope.seq));
      const data =
        how === 'full' ? entry.disclosure : how === 'redacted' ? redact(entry.disclosure, ['parcelId']) : undefined;
      return JSON.parse(new TextDecoder().decode(encodeRecord(entry.envelope, data).value)) as unknown;
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        mirror: name,
        chain: 'land',
        after,
        records,
        next: page.length === limit ? after + limit : null,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}`, asked };
}

describe('reading a chain back from the mirrors other departments keep', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it('takes per entry the record with the most data, pages through, and waits when a mirror asks it to', async () => {
    const entries = chainOf(25);
    // credit was granted everything from entry 11 on; the notary keeps envelopes; bond was granted parcelId only.
    const credit = await fakeMirror('credit', entries, (seq) => (seq > 10 ? 'full' : 'envelope'), 1);
    const notary = await fakeMirror('notary', entries, () => 'envelope');
    const bond = await fakeMirror('bond', entries.slice(0, 18), (seq) => (seq <= 5 ? 'full' : 'redacted'));
    servers.push(credit.server, notary.server, bond.server);
    const source = mirrorSource({
      mirrors: [credit.url, notary.url, `${bond.url}/`],
      chain: 'land',
      department: 'land',
      signer: land,
      pageSize: 10,
    });
    const read: SourceRecord[] = [];
    expect(await source.read(async (records) => void read.push(...records))).toBe(25);

    const kinds = read.map((record) => {
      const data = (JSON.parse(new TextDecoder().decode(record.value!)) as { data?: { withheld: object } }).data;
      return data === undefined ? 'envelope' : Object.keys(data.withheld).length === 0 ? 'full' : 'redacted';
    });
    expect(kinds).toEqual([
      ...Array(5).fill('full'), // bond's full data
      ...Array(5).fill('redacted'), // bond's redacted view beats the envelopes
      ...Array(15).fill('full'), // credit's
    ]);
    expect(read.map((record) => record.where)).toContain(`mirror ${credit.url} (credit), land entry 25`);
    expect(source.coverage).toEqual([
      { url: credit.url, department: 'credit', records: 25, withFullData: 15 },
      { url: notary.url, department: 'notary', records: 25, withFullData: 0 },
      { url: bond.url, department: 'bond', records: 18, withFullData: 5 },
    ]);
    // The 429 was waited out, not taken for the end of credit's mirror.
    expect(credit.asked.filter((url) => url.includes('after=0&'))).toHaveLength(2);
  });

  it('starts after the entries the database still has, and says so when no mirror answers', async () => {
    const entries = chainOf(12);
    const credit = await fakeMirror('credit', entries, () => 'full');
    servers.push(credit.server);
    const from = mirrorSource({ mirrors: [credit.url], chain: 'land', department: 'land', signer: land, pageSize: 5 });
    const read: SourceRecord[] = [];
    await from.read(async (records) => void read.push(...records), 8);
    expect(read).toHaveLength(4);
    expect(credit.asked[0]).toContain('after=8&');

    const nobody = mirrorSource({ mirrors: ['http://127.0.0.1:9'], chain: 'land', department: 'land', signer: land });
    await expect(nobody.read(async () => undefined)).rejects.toThrow(/no mirror answered: http:\/\/127\.0\.0\.1:9: /);
  });
});
