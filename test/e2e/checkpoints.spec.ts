import { parseCheckpoint, parseNote, parseVerifierKey, toBase64, toHex } from '@registry-bus/protocol';
import { goCheck } from '@registry-bus/testing';

import { DepartmentStack, surveyedParcel } from './department-stack.js';

/**
 * The notary's anchors as C2SP tlog-checkpoints (issue #23), served and read
 * as a transparency-log tool reads them: Go's sumdb/note opens the note with
 * the key the notary publishes, and that key is the notary's own in the
 * signed trust bundle; the checkpoint's root is land's own signed root at
 * that size.
 */
describe('checkpoints', () => {
  const stack = new DepartmentStack();
  const text = async (path: string) => {
    const answer = await fetch(`${stack.get('notary').url}${path}`);
    return { status: answer.status, type: answer.headers.get('content-type') ?? '', body: await answer.text() };
  };

  beforeAll(async () => {
    await stack.start(['land']);
    await stack.start(['notary']);
    const clerk = await stack.token('land', 'clerk', 'clerk:checkpoints');
    for (let i = 1; i <= 3; i++)
      expect(
        (await stack.call('land', 'POST', '/v1/parcels', { token: clerk, body: surveyedParcel(`CP-${i}`, 'S-CP') }))
          .status,
      ).toBe(201);
  });

  afterAll(() => stack.stop());

  it('publishes the notary’s note verifier key: its key in the trust bundle, type 0x01', async () => {
    const keys = await text('/v1/checkpoints/keys');
    expect(keys.status).toBe(200);
    expect(keys.type).toMatch(/^text\/plain/);
    const lines = keys.body.trimEnd().split('\n');
    // The notary's first, then a cosignature key (0x04) per witness: every other department of the bundle.
    const witnesses = stack.trustBundle().departments.filter((department) => department.id !== 'notary');
    expect(lines).toHaveLength(1 + witnesses.length);
    expect(
      lines
        .slice(1)
        .map((line) => parseVerifierKey(line))
        .map((key) => [key.name, key.type]),
    ).toEqual(witnesses.map((department) => [department.id, 0x04]));
    // Parsed as a note verifier key (its key ID checked against name, type and key); base64 may hold a '+'.
    const parsed = parseVerifierKey(lines[0]!);
    expect(parsed.name).toBe('notary');
    expect(parsed.type).toBe(0x01);
    const notary = stack.trustBundle().departments.find((department) => department.id === 'notary')!;
    expect(notary.keys.map((trusted) => trusted.publicKey)).toContain(toBase64(parsed.publicKey));
  });

  it('serves land’s latest checkpoint, which Go’s sumdb/note opens and whose root is land’s signed root', async () => {
    const served = await stack.eventually('a checkpoint of land with all three parcels', async () => {
      const answer = await text('/v1/checkpoints/land');
      return answer.status === 200 && parseCheckpoint(parseNote(answer.body).text).size >= 3 ? answer : undefined;
    });
    expect(served.type).toMatch(/^text\/plain/);
    const note = parseNote(served.body);
    const checkpoint = parseCheckpoint(note.text);
    expect(checkpoint.origin).toBe('registry-bus.test/land');
    expect(note.signatures.map((signature) => signature.name)).toEqual(['notary']);

    // The notary's key is the first line; the witnesses' follow.
    const vkey = (await text('/v1/checkpoints/keys')).body.split('\n')[0]!;
    const { status, answer } = goCheck({ mode: 'note', note: served.body, vkeys: [vkey] });
    expect(answer).toMatchObject({
      ok: true,
      signed: ['notary'],
      checkpoint: ['registry-bus.test/land', String(checkpoint.size), toBase64(checkpoint.rootHash)],
    });
    expect(status).toBe(0);

    // The root is land's: its own signed head at that size says the same.
    const head = await stack.call('land', 'GET', `/v1/ledger/head?treeSize=${checkpoint.size}`);
    expect(head.status).toBe(200);
    expect(head.body.root).toBe(toHex(checkpoint.rootHash));

    // One byte of the text changed, and the notary's signature no longer opens it.
    const forged = served.body.replace(`\n${checkpoint.size}\n`, `\n${checkpoint.size + 1}\n`);
    expect(goCheck({ mode: 'note', note: forged, vkeys: [vkey] }).answer).toMatchObject({ ok: false });
  });

  it('answers 404 naming the chain for one it never anchored, and 400 for one that is no chain id', async () => {
    const none = await text('/v1/checkpoints/court');
    expect(none.status).toBe(404);
    expect(none.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'CHECKPOINT.NONE', errors: [{ field: 'chain' }] });
    const bad = await text('/v1/checkpoints/..%2Fkeys');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ errors: [{ field: 'chain' }] });
  });
});
