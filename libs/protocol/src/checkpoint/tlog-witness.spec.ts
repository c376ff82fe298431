import { ProtocolError } from '../errors/protocol-error.js';
import { MAX_PROOF_LINES, formatAddCheckpoint, parseAddCheckpoint } from './tlog-witness.js';

const note = 'example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 example.com/log AAAA\n';
const hash = (byte: number) => new Uint8Array(32).fill(byte);

describe('tlog-witness add-checkpoint bodies', () => {
  it('spells the request as the C2SP text: old line, one base64 hash a line, blank line, the note', () => {
    const body = formatAddCheckpoint({ oldSize: 2, proof: [hash(1), hash(2)], checkpoint: note });
    expect(body).toBe(
      `old 2\n${Buffer.from(hash(1)).toString('base64')}\n${Buffer.from(hash(2)).toString('base64')}\n\n${note}`,
    );
    expect(parseAddCheckpoint(body)).toEqual({ oldSize: 2, proof: [hash(1), hash(2)], checkpoint: note });
    expect(parseAddCheckpoint(`old 0\n\n${note}`)).toEqual({ oldSize: 0, proof: [], checkpoint: note });
  });

  it.each([
    ['no blank line', 'old 1\n', 'no blank line'],
    ['a leading zero', `old 01\n\n${note}`, "'old <size>'"],
    ['no old line', `3\n\n${note}`, "'old <size>'"],
    ['a proof line that is not base64', `old 1\n!!\n\n${note}`, 'proof line 1 is not base64'],
    ['a proof line of 31 bytes', `old 1\n${Buffer.alloc(31).toString('base64')}\n\n${note}`, 'not a 32-byte hash'],
    [
      'more than 63 proof lines',
      `old 1\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(MAX_PROOF_LINES + 1)}\n${note}`,
      'more than 63',
    ],
  ])('refuses %s, saying why', (_name, body, reason) => {
    expect(() => parseAddCheckpoint(body)).toThrow(ProtocolError);
    expect(() => parseAddCheckpoint(body)).toThrow(reason);
  });
});
