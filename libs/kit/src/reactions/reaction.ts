import type { ConsumedEvent, EventHandler } from '@registry-bus/bus';
import { LedgerError, LedgerErrorCode } from '@registry-bus/ledger';
import type { Cause } from '@registry-bus/domain';
import { toHex } from '@registry-bus/protocol';

import type { CommandRunner } from '../commands/command-runner.js';

export type { Cause };

export function causeOf(event: ConsumedEvent): Cause {
  return {
    chain: event.entry.chain,
    seq: String(event.entry.seq),
    eventId: event.entry.id,
    hash: toHex(event.entry.hash),
  };
}

export interface ReactionContext {
  cause: Cause;
  /** `reaction:<cause event id>`: the envelope's actor of every entry the reaction appends. */
  actor: string;
  /** One key per (reaction, cause): a redelivered cause returns the first reaction instead of a second one. */
  idempotencyKey: string;
  commands: CommandRunner;
}

export interface ReactionDefinition {
  /** Names the reaction in its idempotency keys; keep it stable. */
  name: string;
  types: readonly string[];
  react(event: ConsumedEvent, context: ReactionContext): Promise<void>;
}

/** The ledger is unreachable: the consumer must retry the record later, not park it. */
class RetryableReactionError extends Error {
  readonly retryable = true;
  constructor(cause: unknown) {
    super('the ledger is unavailable; the reaction will be retried', { cause });
  }
}

/**
 * A reaction to another department's event, as a consumer handler. Whatever
 * it appends lands in this department's own ledger under the cause's
 * idempotency key, so a cause redelivered after a crash (the consumer's
 * transaction and the append are two transactions) is answered once. A
 * reaction that decides nothing appends nothing.
 */
export function reaction(definition: ReactionDefinition, commands: CommandRunner): EventHandler {
  return {
    types: definition.types,
    async handle(event) {
      const cause = causeOf(event);
      try {
        await definition.react(event, {
          cause,
          actor: `reaction:${event.entry.id}`,
          idempotencyKey: `reaction:${definition.name}:${cause.chain}:${cause.seq}`,
          commands,
        });
      } catch (error) {
        if (error instanceof LedgerError && error.code === LedgerErrorCode.EMPTY_DECISION) return;
        if (
          error instanceof LedgerError &&
          (error.code === LedgerErrorCode.UNAVAILABLE || error.code === LedgerErrorCode.CLOSED)
        ) {
          throw new RetryableReactionError(error);
        }
        throw error;
      }
    },
  };
}
