import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/**
 * C2SP tlog-witness (c2sp.org/tlog-witness), the add-checkpoint request: an
 * `old <size>` line, the consistency proof from that size to the
 * checkpoint's (one base64 hash per line, at most 63), a blank line, then
 * the checkpoint as a signed note. Pure, so both ends (the notary that
 * sends, the witness that reads) spell it the same way.
 */
export interface AddCheckpointRequest {
  /** The size the sender believes the witness last cosigned (0 for a log the witness never saw). */
  oldSize: number;
  /** RFC 6962 consistency proof from `oldSize` to the checkpoint's size, 32-byte hashes. */
  proof: Uint8Array[];
  /** The checkpoint, a signed note (text, blank line, signature lines). */
  checkpoint: string;
}

/** tlog-witness: "The consistency proof MUST NOT be longer than 63 lines." */
export const MAX_PROOF_LINES = 63;

/** The Content-Type of a 409's body: the witness's current size of that log, a decimal line. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

const bad = (reason: string): never => {
  throw new ProtocolError(ProtocolErrorCode.BAD_NOTE, reason);
};

export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) bad(`old size ${request.oldSize} is not a count`);
  if (request.proof.length > MAX_PROOF_LINES)
    bad(`a proof of ${request.proof.length} lines is over ${MAX_PROOF_LINES}`);
  return `old ${request.oldSize}\n${request.proof.map((hash) => `${toBase64(hash)}\n`).join('')}\n${request.checkpoint}`;
}

/** Reads an add-checkpoint body strictly; throws ProtocolError(BAD_NOTE) naming what is wrong. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) bad('the request has no blank line between the proof and the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n') as [string, ...string[]];
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || !Number.isSafeInteger(Number(old[1])))
    bad(`the first line is 'old <size>' (decimal, no leading zeroes), not '${oldLine.slice(0, 40)}'`);
  if (proofLines.length > MAX_PROOF_LINES)
    bad(`the consistency proof has ${proofLines.length} lines, more than ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((line, i) => {
    let hash: Uint8Array;
    try {
      hash = fromBase64(line);
    } catch {
      return bad(`proof line ${i + 1} is not base64`);
    }
    if (hash.length !== 32) bad(`proof line ${i + 1} is not a 32-byte hash`);
    return hash;
  });
  return { oldSize: Number(old![1]), proof, checkpoint: body.slice(blank + 2) };
}
