import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

type Mode = 'forward' | 'not-found' | 'not-found-at-size';

/**
 * What sits between the notary and land — a proxy, or someone in the middle:
 * it forwards to land, or answers land's own unsigned 404 (LEDGER.NOT_FOUND)
 * for every head, or only for heads at a size (forwarding land's current
 * signed head). None of that is signed by land, so none of it may become an
 * alarm: the notary counts the check it could not make and tries again.
 */
function proxyTo(target: () => string) {
  const state = { mode: 'forward' as Mode, notFound: 0 };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    const atSize = /[?&]treeSize=/.test(path);
    if (state.mode === 'not-found' || (state.mode === 'not-found-at-size' && atSize)) {
      state.notFound++;
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Not found',
          status: 404,
          code: 'LEDGER.NOT_FOUND',
          detail: "chain 'land' has 0 entries, not the size asked",
        }),
      );
      return;
    }
    void fetch(`${target()}${path}`).then(
      async (answer) => {
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => {
        response.writeHead(502);
        response.end();
      },
    );
  });
  return { server, state };
}

describe('notary: an unsigned answer from a department raises no alarm', () => {
  const stack = new DepartmentStack();
  const proxy = proxyTo(() => stack.get('land').url);
  let clerk: string;
  let next = 0;

  const register = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const answer = await stack.call('land', 'POST', '/v1/parcels', {
        token: clerk,
        body: surveyedParcel(`U-${next++}`, 'S-U'),
      });
      expect(answer.status).toBe(201);
    }
    return ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;
  };
  const notaryQuery = (sql: string, params: unknown[] = []) =>
    stack.get('notary').runtime.dataSource.query(sql, params) as Promise<Array<Record<string, string>>>;
  const anchoredSize = async () =>
    Number(
      (
        await notaryQuery(
          `SELECT max((convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'treeSize')::bigint) AS size
             FROM ledger_entry e JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq
            WHERE e.chain = 'notary' AND e.type = 'gov.notary.anchor.signed.v1'
              AND convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' ->> 'chain' = 'land'`,
        )
      )[0]?.size ?? 0,
    );
  const alarms = () =>
    notaryQuery(`SELECT seq FROM ledger_entry WHERE chain = 'notary' AND type = 'gov.notary.alarm.raised.v1'`);
  /** The notary's `registry_bus_notary_head_unchecked_total` for land, by reason. */
  const unchecked = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${stack.get('notary').url}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.startsWith('registry_bus_notary_head_unchecked_total{') || !line.includes('chain="land"')) continue;
      const reason = /reason="([^"]+)"/.exec(line)![1]!;
      counts[reason] = Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return counts;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    await stack.start(['land']);
    stack.notary.departmentUrls = { land: `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}` };
    await stack.start(['notary']);
    clerk = await stack.token('land', 'clerk', 'clerk:u');
  });

  afterAll(async () => {
    await stack.stop();
    await new Promise((resolve) => proxy.server.close(resolve));
  });

  it('anchors through the proxy while it forwards', async () => {
    const size = await register(3);
    await stack.eventually('land anchored through the proxy', async () =>
      (await anchoredSize()) >= size ? true : undefined,
    );
    expect(await alarms()).toEqual([]);
  });

  it('counts a 404 for every head as a check not made, for round after round, and writes no alarm', async () => {
    const before = await anchoredSize();
    proxy.state.mode = 'not-found';
    const size = await register(6);
    expect(size).toBeGreaterThan(before);
    // Several rounds (one every 300 ms at most, each a retry): each counted, none an alarm.
    const counts = await stack.eventually('several unchecked rounds', async () => {
      const now = await unchecked();
      return (now['not-found-unsigned'] ?? 0) >= 4 ? now : undefined;
    });
    expect(counts['not-found-unsigned']).toBeGreaterThanOrEqual(4);
    expect(proxy.state.notFound).toBeGreaterThanOrEqual(8); // the head at the size, then the current head, each round
    expect(await alarms()).toEqual([]);
    expect(await anchoredSize()).toBe(before);
  });

  it('still writes no alarm when land’s current signed head has the size the unsigned 404 denied', async () => {
    proxy.state.mode = 'not-found-at-size';
    const from = (await unchecked())['not-found-unsigned'] ?? 0;
    await stack.eventually('more unchecked rounds, now against the signed head', async () =>
      ((await unchecked())['not-found-unsigned'] ?? 0) >= from + 4 ? true : undefined,
    );
    expect(await alarms()).toEqual([]);
  });

  it('anchors again once the department answers again', async () => {
    proxy.state.mode = 'forward';
    const size = ((await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number }).treeSize;
    await stack.eventually('land anchored again', async () => ((await anchoredSize()) >= size ? true : undefined));
    expect(await alarms()).toEqual([]);
  });
});
