import { join } from 'node:path';

import {
  addGovernanceSignature,
  loadOrCreateFileSigner,
  testSigner,
  toBase64,
  trustBundleDigest,
  trustedKey,
  type SignedTrustBundle,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';

import { DepartmentStack } from './department-stack.js';

/**
 * Issue #24: a trust bundle published on the notary's ledger is in force at
 * every app that follows it within seconds, without a restart; one signed by
 * fewer than k of the governance keys of the bundle in force is refused —
 * by the notary before it writes anything (422), and by every follower when
 * it reaches the ledger anyway (the notary's own key writing it, as a thief
 * of that key would): an alarm, and the bundle in force stays.
 */
describe('trust bundles on the notary ledger, live', () => {
  const stack = new DepartmentStack();
  const apps = ['land', 'credit', 'notary'];
  const alice = testSigner('governance', 'alice');
  const bob = testSigner('governance', 'bob');
  const carol = testSigner('governance', 'carol');
  let admin: string;
  let base: TrustBundle;

  const signedBy = async (bundle: TrustBundle, holders: Signer[]): Promise<SignedTrustBundle> => {
    let signed: SignedTrustBundle = { bundle };
    for (const holder of holders) signed = await addGovernanceSignature(signed, holder);
    return signed;
  };
  const inForce = () => apps.map((name) => stack.get(name).runtime.currentTrustBundle().version);
  const applied = (name: string) =>
    stack
      .get(name)
      .runtime.dataSource.query<Array<{ version: string; digest: string; position: string | null }>>(
        'SELECT version, digest, position FROM trust_bundle_applied ORDER BY version',
      );
  const publish = (signed: SignedTrustBundle) =>
    stack.call('notary', 'POST', '/v1/trust/bundles', { token: admin, body: signed });
  const inForceEverywhere = (version: number) =>
    stack.eventually(
      `bundle version ${version} in force at ${apps.join(', ')}`,
      async () => (inForce().every((v) => v === version) ? true : undefined),
      15_000,
    );

  beforeAll(async () => {
    await stack.start(apps);
    admin = await stack.token('notary', 'admin', 'admin:governance-desk');
    base = stack.trustBundle();
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('a bundle signed by the governance key, naming 2 of 3 governance holders and a new land key, is in force everywhere without a restart', async () => {
    const landNext = testSigner('land', 'rotated');
    const bundle = structuredClone(base);
    bundle.version = base.version + 1;
    bundle.issuedAt = new Date().toISOString();
    const land = bundle.departments.find((department) => department.id === 'land')!;
    land.keys[0]!.validUntil = new Date(Date.now() + 3600_000).toISOString();
    land.keys.push(trustedKey(landNext, new Date().toISOString()));
    bundle.governance = {
      keys: [alice, bob, carol].map((holder) => ({ keyId: holder.keyId, publicKey: toBase64(holder.publicKey) })),
      threshold: 2,
    };
    // The first bundle names no governance: the pinned root signs the next one, offline, as its holder would.
    const root = loadOrCreateFileSigner(join(stack.local, 'keys', 'governance'), 'governance');
    const answer = await publish(await signedBy(bundle, [root]));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      version: bundle.version,
      entries: [{ chain: 'notary', type: 'gov.notary.trust.bundle-published.v1' }],
    });
    const position = `notary@${(answer.body.entries as Array<{ seq: number }>)[0]!.seq}`;
    expect(answer.body.position).toBe(position);

    await inForceEverywhere(bundle.version);
    for (const name of apps) {
      expect((await applied(name)).at(-1)).toEqual({
        version: String(bundle.version),
        digest: trustBundleDigest(bundle),
        position,
      });
      expect(
        stack
          .get(name)
          .runtime.currentTrustBundle()
          .departments.find((d) => d.id === 'land')!.keys,
      ).toEqual(land.keys);
    }
    const current = await stack.call('notary', 'GET', '/v1/trust/bundle');
    expect(current.status).toBe(200);
    expect((current.body.bundle as TrustBundle).version).toBe(bundle.version);
  });

  it('the notary refuses a bundle signed by 1 of the 2 governance keys needed, naming them, and writes nothing', async () => {
    const version = base.version + 1;
    const notarySize = async () =>
      Number(
        (
          await stack
            .get('notary')
            .runtime.dataSource.query<Array<{ n: string }>>(
              `SELECT count(*) AS n FROM ledger_entry WHERE chain = 'notary'`,
            )
        )[0]!.n,
      );
    const before = await notarySize();
    const bundle = { ...structuredClone(stack.get('notary').runtime.currentTrustBundle()), version: version + 1 };
    const answer = await publish(await signedBy(bundle, [bob]));
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      code: 'PROTOCOL.BAD_TRUST_BUNDLE',
      detail:
        `trust bundle published at the notary refused: bundle version ${version + 1} is signed by 1 of the governance ` +
        `keys of version ${version} (governance-bob); it needs 2 of governance-alice, governance-bob, governance-carol`,
    });
    // A bundle that drops land's old key is refused too, though signed by two.
    const dropped = structuredClone(bundle);
    dropped.departments.find((d) => d.id === 'land')!.keys.shift();
    const droppedAnswer = await publish(await signedBy(dropped, [alice, carol]));
    expect(droppedAnswer.status).toBe(422);
    expect(droppedAnswer.body.detail).toMatch(/drops key 'land-[^']+' of 'land': no key ever leaves the bundle/);
    // An unreadable one is a 400 naming the field.
    const bad = await publish({ bundle: { ...bundle, version: 'three' } } as unknown as SignedTrustBundle);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('bundle.version');
    expect(await notarySize()).toBe(before);
    expect(inForce()).toEqual([version, version, version]);
  });

  it('a bundle short of k that reaches the ledger anyway is refused by every follower with an alarm; nothing changes', async () => {
    const version = base.version + 1;
    const bundle = { ...structuredClone(stack.get('notary').runtime.currentTrustBundle()), version: version + 1 };
    bundle.departments.find((d) => d.id === 'land')!.keys[0]!.revokedAt = new Date().toISOString();
    const signed = await signedBy(bundle, [carol]);
    // What a thief of the notary's key could write: the entry, past the route's check.
    const outcome = await stack.get('notary').runtime.commands.run(
      { name: 'trust-bundle', decider: { initialState: null, decide: (event) => [event], evolve: (state) => state } },
      `trust-bundle:${version + 1}`,
      {
        type: 'gov.notary.trust.bundle-published.v1',
        data: { version: String(version + 1), digest: trustBundleDigest(bundle), signed },
      },
      { actor: 'system:thief' },
    );
    const seq = outcome.entries[0]!.seq;
    for (const follower of ['land', 'credit']) {
      const alarm = await stack.eventually(`${follower}'s alarm of the refused bundle`, async () => {
        const rows = await stack.get(follower).runtime.dataSource.query<Array<{ text: string }>>(
          `SELECT convert_from(d.disclosure, 'UTF8') AS text
               FROM ledger_entry e JOIN ledger_entry_data d USING (chain, seq) WHERE e.type = $1`,
          [`gov.${follower}.alarm.raised.v1`],
        );
        return rows.map((row) => row.text).find((text) => text.includes(`notary@${seq}`));
      });
      expect(alarm).toContain('forged-control');
      expect(alarm).toContain(
        `trust bundle published at notary@${seq} refused: bundle version ${version + 1} is signed by 1 of the ` +
          `governance keys of version ${version} (governance-carol); it needs 2 of governance-alice, governance-bob, governance-carol`,
      );
    }
    expect(inForce()).toEqual([version, version, version]);
    for (const name of ['land', 'credit']) expect((await applied(name)).at(-1)!.version).toBe(String(version));
  });

  it('the next bundle signed by 2 of 3 is in force everywhere; a restart starts with it, not with the older file', async () => {
    const version = base.version + 1;
    const bundle = { ...structuredClone(stack.get('notary').runtime.currentTrustBundle()), version: version + 2 };
    bundle.issuedAt = new Date().toISOString();
    bundle.departments.find((d) => d.id === 'land')!.keys[0]!.revokedAt = new Date().toISOString();
    const answer = await publish(await signedBy(bundle, [carol, alice]));
    expect(answer.status).toBe(201);
    await inForceEverywhere(version + 2);

    await stack.stopOne('credit');
    await stack.start(['credit']);
    expect(stack.get('credit').runtime.currentTrustBundle()).toEqual(bundle);
    expect(stack.trustBundle().version).toBe(base.version);
  });
});
