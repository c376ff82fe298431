import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { parseStrictJson } from '@registry-bus/protocol';

/** Which origins this witness holds a state of, and from which checkpoint it began. */
export interface JoinedOrigins {
  /** The checkpoint this witness began the origin at, if it ever did. */
  joined(origin: string): { treeSize: number; root: string } | undefined;
  /** Records the first advance of an origin; durable before it returns. */
  join(origin: string, treeSize: number, root: string): void;
}

/**
 * The witness's memory of the origins it began, kept in a file beside its
 * signing key (KEYS_DIR), not in its database: a database lost and rebuilt
 * from the topic has no witness state, and this file is how the witness
 * knows that it had one — so it refuses the origin instead of starting it
 * again from an older point, where it could cosign a fork. Not a ledger
 * entry either: entries would move the chain for every origin joined.
 */
export class FileJoinedOrigins implements JoinedOrigins {
  private readonly origins: Record<string, { treeSize: number; root: string; joinedAt: string }>;

  constructor(private readonly file: string) {
    this.origins = existsSync(file)
      ? (parseStrictJson(readFileSync(file, 'utf8'), file) as { origins: FileJoinedOrigins['origins'] }).origins
      : {};
  }

  static in(keysDir: string): FileJoinedOrigins {
    return new FileJoinedOrigins(join(keysDir, 'witness-origins.json'));
  }

  joined(origin: string): { treeSize: number; root: string } | undefined {
    return Object.hasOwn(this.origins, origin) ? this.origins[origin] : undefined;
  }

  join(origin: string, treeSize: number, root: string): void {
    if (this.joined(origin)) return;
    this.origins[origin] = { treeSize, root, joinedAt: new Date().toISOString() };
    mkdirSync(dirname(this.file), { recursive: true });
    // Written whole, then renamed over the old one: a crash leaves either file, never half of one.
    const next = `${this.file}.next`;
    writeFileSync(next, `${JSON.stringify({ origins: this.origins }, null, 2)}\n`, { mode: 0o600 });
    renameSync(next, this.file);
  }
}
