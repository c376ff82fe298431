import { DomainError, assertNever, type Decider } from '@registry-bus/domain';
import { parseStrictJsonBytes } from '@registry-bus/protocol';

import type { Aggregate, DomainEvent } from '../commands/aggregate.js';
import { tokenIssuedType, tokenRevokedType, type TokenIssuedData } from './token-ledger.js';
import { writeIssuedToken, writeRevokedToken } from './token-rows.js';

export const TokenErrorCode = {
  TOKEN_EXISTS: 'AUTH.TOKEN_EXISTS',
  TOKEN_NOT_FOUND: 'AUTH.TOKEN_NOT_FOUND',
  TOKEN_REVOKED: 'AUTH.TOKEN_REVOKED',
} as const;

export type TokenCommand =
  | ({ kind: 'issue-token'; department: string } & TokenIssuedData)
  | { kind: 'revoke-token'; department: string; tokenId: string };

export type TokenState = { status: 'none' } | { status: 'active' | 'revoked'; token: TokenIssuedData };

/** A token is issued once and revoked at most once. */
export function decideToken(command: TokenCommand, state: TokenState): DomainEvent[] {
  switch (command.kind) {
    case 'issue-token': {
      const { kind: _kind, department, ...token } = command;
      if (state.status !== 'none')
        throw new DomainError(TokenErrorCode.TOKEN_EXISTS, `token ${token.tokenId} already exists`, 'id');
      return [{ type: tokenIssuedType(department), data: { ...token } }];
    }
    case 'revoke-token': {
      if (state.status === 'none')
        throw new DomainError(
          TokenErrorCode.TOKEN_NOT_FOUND,
          `there is no active token ${command.tokenId}`,
          'id',
          'not-found',
        );
      if (state.status === 'revoked')
        throw new DomainError(TokenErrorCode.TOKEN_REVOKED, `token ${command.tokenId} is already revoked`, 'id');
      return [{ type: tokenRevokedType(command.department), data: { tokenId: command.tokenId } }];
    }
    default:
      return assertNever(command, 'token command');
  }
}

export function evolveToken(state: TokenState, event: DomainEvent): TokenState {
  if (event.type.endsWith('.operator.token-issued.v1'))
    return { status: 'active', token: event.data as unknown as TokenIssuedData };
  if (event.type.endsWith('.operator.token-revoked.v1') && state.status !== 'none')
    return { ...state, status: 'revoked' };
  return state;
}

export const tokenDecider: Decider<TokenCommand, DomainEvent, TokenState> = {
  initialState: { status: 'none' },
  decide: decideToken,
  evolve: evolveToken,
};

/**
 * A department's operator tokens as an aggregate of its ledger, one per
 * token id (issue #27): its entries are the token's truth, and its read
 * model is the operator_token row the guard reads, written by `project` in
 * the transaction that inserts the entry — by a command and by recovery
 * alike. The row's times and issuer are the entry's own time and actor.
 */
export function tokenAggregate(department: string): Aggregate<TokenCommand, DomainEvent, TokenState> {
  return {
    name: 'operator-token',
    decider: tokenDecider,
    eventTypes: [`gov.${department}.operator.*`],
    project: async (manager, subject, _state, events, entries) => {
      for (const [i, event] of events.entries()) {
        const entry = entries[i]!;
        const actor = (parseStrictJsonBytes(entry.envelope, 'a token entry’s envelope') as { actor: string }).actor;
        const position = { chain: entry.chain, seq: entry.seq };
        if (event.type === tokenIssuedType(department))
          await writeIssuedToken(manager, event.data as unknown as TokenIssuedData, entry.time, actor, position);
        else if (event.type === tokenRevokedType(department))
          await writeRevokedToken(manager, subject, entry.time, actor, position);
      }
    },
  };
}
