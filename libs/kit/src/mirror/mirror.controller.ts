import { randomUUID } from 'node:crypto';

import { Controller, Get, Headers, Inject, Query, Req } from '@nestjs/common';
import { receivedEntries } from '@registry-bus/bus';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { mayReadMirror } from '@registry-bus/access';
import {
  CHAIN_PATTERN,
  departmentOfChain,
  envelopeFromStored,
  parseStrictJsonBytes,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

import { Public } from '../auth/access.decorators.js';
import { ProblemError } from '../problems/problem-details.js';
import { MIRROR_REQUEST_HEADER, MirrorRequestRefused, verifyMirrorRequest } from './mirror-request.js';

export const MIRROR_CONTEXT = Symbol('MIRROR_CONTEXT');

export interface MirrorContext {
  department: string;
  dataSource: DataSource;
  trust: () => TrustBundle;
}

const pageQuery = z.strictObject({
  chain: z.string().regex(CHAIN_PATTERN, 'must be a chain id such as "land"'),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * `GET /v1/mirror/entries`: the verified copy this department keeps of
 * another department's ledger (every envelope it received; the data its
 * grants let it keep), given back to the ledger's owner — who signs the
 * request with its own entry key — to rebuild a lost ledger when its topic
 * is gone too. The notary's chain (anchors, public by design) is given to
 * any department, so a recovery can hold its rebuilt tree to the anchors.
 * Records are in the wire format of the topic: the same verification
 * applies to both. Every request, answered or refused, is in query_audit.
 */
@ApiTags('mirror')
@Controller('v1/mirror')
export class MirrorController {
  constructor(@Inject(MIRROR_CONTEXT) private readonly context: MirrorContext) {}

  @Get('entries')
  @Public()
  @ApiHeader({ name: MIRROR_REQUEST_HEADER, required: true, description: 'the owner department’s signed request' })
  @ApiOperation({ summary: "A page of this department's verified mirror of another ledger, for its owner's recovery" })
  async entries(
    @Query() query: Record<string, string>,
    @Headers(MIRROR_REQUEST_HEADER) header: string | undefined,
    @Req() request: Request,
  ) {
    const { chain, after, limit } = pageQuery.parse(query);
    let requester: string;
    try {
      requester = verifyMirrorRequest(header, request.originalUrl, this.context.trust());
    } catch (error) {
      if (!(error instanceof MirrorRequestRefused)) throw error;
      throw new ProblemError(401, 'MIRROR.UNSIGNED', 'Signed request required', error.message, [
        { field: MIRROR_REQUEST_HEADER, reason: error.message },
      ]);
    }
    const owner = departmentOfChain(chain);
    if (!mayReadMirror(requester, owner)) {
      await this.audit(requester, chain, after, limit, 'refused', 0);
      throw new ProblemError(
        403,
        'MIRROR.NOT_OWNER',
        'Not allowed',
        `the mirror of ${chain} is given back only to ${owner}, not to ${requester}`,
        [{ field: 'chain', reason: `must be a chain of ${requester}` }],
      );
    }
    const rows = await receivedEntries(this.context.dataSource, chain, after, limit);
    await this.audit(requester, chain, after, limit, 'answered', rows.length);
    return {
      mirror: this.context.department,
      chain,
      after,
      // Wire records: the CloudEvent with its data (the disclosure kept), exactly as the topic carries them.
      records: rows.map((row) => {
        const envelope = envelopeFromStored(row.envelope, row.hash, row.sig, row.keyid);
        return row.disclosure
          ? { ...envelope, data: parseStrictJsonBytes(row.disclosure, 'a stored disclosure') }
          : envelope;
      }),
      next: rows.length === limit ? Number(rows.at(-1)!.seq) : null,
    };
  }

  private async audit(
    requester: string,
    chain: string,
    after: number,
    limit: number,
    outcome: 'answered' | 'refused',
    records: number,
  ): Promise<void> {
    await this.context.dataSource.query(
      `INSERT INTO query_audit (request_id, requester, query, params, outcome, fields, code, reason)
       VALUES ($1, $2, 'mirror', $3, $4, '{}', $5, $6)`,
      [
        randomUUID(),
        requester,
        JSON.stringify({ chain, after, limit, records }),
        outcome,
        outcome === 'refused' ? 'MIRROR.NOT_OWNER' : null,
        outcome === 'refused' ? `the mirror of ${chain} is given back only to its owner` : null,
      ],
    );
  }
}
