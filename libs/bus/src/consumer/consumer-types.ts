import type { AccessPolicy } from '@registry-bus/access';
import type { TrustedKey } from '@registry-bus/protocol';
import type { DataSource, EntityManager } from 'typeorm';

/** A record as it came off a ledger topic. */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Uint8Array | null;
  headers: Record<string, string>;
}

/** The disclosed part of an entry's data: fields with their salts, withheld fields as commitments. */
export interface Disclosure {
  fields: Record<string, unknown>;
  salts: Record<string, string>;
  withheld: Record<string, string>;
  /** Fields that travel encrypted (issue #28), each withheld: opened by a SealedDataOpener, never stored. */
  sealed?: Record<string, unknown>;
}

/**
 * Opens the sealed fields a consumer's grants give it (issue #28), before the
 * access decision: the keys come from each entry's owner, which releases
 * exactly what the grants cover at each entry's position. What does not open
 * stays withheld (its commitment), so the decision and the data checks work
 * as on a plain record. Throws when an owner does not answer: the batch is
 * then retried, rather than granted data being lost for good.
 */
export interface SealedDataOpener {
  /**
   * Opens `entries`, which came in `batch` (every verified entry of it, in
   * order: a grant among them counts for those after it). Per entry: its disclosure with what opened, or why a released key opened something else than the owner signed. */
  open(
    entries: readonly VerifiedEntry[],
    batch: readonly VerifiedEntry[],
  ): Promise<ReadonlyMap<VerifiedEntry, Disclosure | { refused: CodedFailure }>>;
}

/** An envelope whose hash and signature checked out. */
export interface VerifiedEntry {
  id: string;
  chain: string;
  seq: number;
  type: string;
  subject: string;
  source: string;
  time: Date;
  actor: string;
  prevhash: Uint8Array;
  hash: Uint8Array;
  datadigest: string;
  /** The exact canonical bytes that were hashed. */
  envelope: Uint8Array;
  sig: Uint8Array;
  keyid: string;
  /** The bundle's key that verified `sig`; when it was valid is judged by the pipeline (key-time.ts). */
  signingKey: TrustedKey;
  disclosure?: Disclosure;
  /** A sealed field whose released key opened another value than its commitment: the data is parked with this. */
  sealedRefused?: CodedFailure;
}

/** A pipeline failure with a stable code (PROTOCOL.*, CONSUMER.*), recorded in quarantine. */
export interface CodedFailure {
  code: string;
  reason: string;
}

/** The protocol checks the pipeline needs (libs/protocol provides them; see createProtocolVerifier). */
export interface EntryVerifier {
  /** Decodes the record and checks source, hash and signature against the trust bundle. Throws a coded error. */
  verify(record: IncomingRecord): VerifiedEntry;
  /** Checks the disclosure against `datadigest`, keeping only `fields` (all when undefined). Throws a coded error. */
  checkData(entry: VerifiedEntry, fields: readonly string[] | 'all'): Disclosure;
  /** Validates (and upcasts) the data of a known event type; a partial (redacted) view is validated field by field. Throws a coded error. */
  validateData(
    type: string,
    data: Record<string, unknown>,
    partial: boolean,
  ): { type: string; data: Record<string, unknown> };
}

/** What the pipeline audits: an entry whose data this consumer did not get whole. */
export interface AccessAuditRecord {
  chain: string;
  seq: number;
  eventType: string;
  decision: 'denied' | 'redacted';
  grantIds: readonly string[];
  removedFields: readonly string[];
  reason: string;
}

/** An event as a handler sees it: verified, permitted, validated. */
export interface ConsumedEvent {
  entry: VerifiedEntry;
  type: string;
  /** Only the fields this consumer may use; withheld ones are absent. */
  data: Record<string, unknown>;
  redacted: boolean;
}

export interface EventHandler {
  /** Event types this handler wants (exact names or `*` suffix patterns, e.g. `gov.land.parcel.*`). */
  types: readonly string[];
  /**
   * Runs inside the apply transaction. A thrown error is retried and then
   * parked in quarantine; an error with `retryable: true` (the handler's own
   * ledger or database is away) is retried with the record, never parked.
   */
  handle(event: ConsumedEvent, manager: EntityManager): Promise<void>;
}

/** Fetches entries of a chain from its owner (REST) or by re-reading the topic, to fill a gap. */
export interface GapFiller {
  fetch(chain: string, fromSeq: number, toSeq: number): Promise<IncomingRecord[]>;
}

/** A record put in quarantine, with where it sits and why. */
export interface QuarantineNotice {
  record: IncomingRecord;
  chain?: string;
  seq?: number;
  eventId?: string;
  eventType?: string;
  failure: CodedFailure;
  alarm: boolean;
}

export type PipelineOutcome =
  | { kind: 'applied'; seq: number; handled: boolean; parked?: CodedFailure }
  | { kind: 'duplicate'; seq: number }
  | { kind: 'quarantined'; failure: CodedFailure; alarm: boolean }
  | { kind: 'held'; chain: string; missingFrom: number; missingTo: number }
  /** Signed, in order, but its key or claimed time does not hold at receipt: held until a quorum checkpoint covers it. */
  | { kind: 'held-key'; chain: string; seq: number; failure: CodedFailure };

/**
 * What a quorum checkpoint says of a held entry: the time it fixed for it
 * (key-time.ts `checkpointTime`), when one covers the entry with its hash;
 * undefined when none does (yet), or it cannot be had now.
 */
export type CheckpointRelease = (entry: VerifiedEntry) => Promise<Date | undefined>;

/** How the pipeline judges keys and claimed times at receipt (issue #24). */
export interface KeyTimeOptions {
  /** Tolerance between a signer's clock and this follower's; 5 minutes by default. */
  skewMs?: number;
  /** This follower's clock. */
  now?: () => Date;
  /** Asks whether a quorum checkpoint covers a held entry; without it a held entry waits for its owner's replacement. */
  release?: CheckpointRelease;
  /** The bundle's anchorGraceSeconds (retired keys), read each time: the bundle may change. */
  bundle?: () => { anchorGraceSeconds?: number };
}

export interface ConsumerPipelineOptions {
  dataSource: DataSource;
  verifier: EntryVerifier;
  handlers: EventHandler[];
  policy: AccessPolicy<VerifiedEntry>;
  gapFiller?: GapFiller;
  /** Opens sealed fields (issue #28); without it, sealed fields stay withheld. */
  opener?: SealedDataOpener;
  /** How long a gap is held while the missing entries are fetched from the owner. */
  gapHoldMs?: number;
  /** Attempts of a failing handler before its event is parked in quarantine (the chain still advances). */
  handlerAttempts?: number;
  /** After the quarantine row is committed: publish to `gov.<dept>.quarantine`, count, log, alarm. */
  onQuarantine?: (notice: QuarantineNotice) => void;
  /**
   * Runs for every applied entry inside its transaction, whatever the grants
   * — several consecutive entries of one chain at once when a run is applied
   * together: a witness appends their hashes to its tree of that chain here.
   */
  onApplied?: (entries: VerifiedEntry[], manager: EntityManager) => Promise<void>;
  /** After an access audit row is committed (a denial or a redaction): count it. */
  onAccessAudit?: (record: AccessAuditRecord) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Keys judged at receipt, claimed times against the clock and the entry before (issue #24). */
  keyTime?: KeyTimeOptions;
  /** Prefix of every topic name (see topic-names.ts); the protocol sees names without it. */
  topicNamespace?: string;
}
