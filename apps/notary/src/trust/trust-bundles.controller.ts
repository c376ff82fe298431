import { Body, Controller, Get, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CommandRoute, Public, commandAnswer, type CommandRequest } from '@registry-bus/kit';
import type { SignedTrustBundle } from '@registry-bus/protocol';
import type { Response } from 'express';
import { z } from 'zod';

import { TRUST_BUNDLES, type TrustBundlePublisher } from './trust-bundle-publisher.js';

const instant = z.iso.datetime({ offset: true });
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be standard base64');
const keyId = z.string().min(1).max(200);
const trustedKey = z.looseObject({
  keyId,
  publicKey: base64,
  validFrom: instant,
  validUntil: instant.optional(),
  revokedAt: instant.optional(),
  revocationReason: z.string().min(1).max(500).optional(),
});
/** The signed bundle as the holders signed it: its shape here (400), whether it may follow the one in force there (422). */
const publishBundleRequest = z.strictObject({
  bundle: z.looseObject({
    version: z.number().int().min(1),
    issuedAt: instant,
    departments: z.array(z.looseObject({ id: z.string().min(1).max(50), keys: z.array(trustedKey) })).min(1),
    governance: z
      .strictObject({
        keys: z.array(z.strictObject({ keyId, publicKey: base64 })).min(1),
        threshold: z.number().int().min(1),
      })
      .optional(),
  }),
  rootKeyId: keyId.optional(),
  sig: base64.optional(),
  signatures: z
    .array(z.strictObject({ keyId, sig: base64 }))
    .max(100)
    .optional(),
});

/**
 * Trust bundles on the notary's ledger (issue #24): an admin publishes one
 * signed offline by k of the governance keys of the bundle in force; it is
 * an entry of this ledger, and every app applies it at its position.
 */
@ApiTags('trust')
@Controller('v1/trust')
export class TrustBundlesController {
  constructor(@Inject(TRUST_BUNDLES) private readonly publisher: TrustBundlePublisher) {}

  @Get('bundle')
  @Public()
  @ApiOperation({ summary: 'The trust bundle in force at the notary, with its governance signatures' })
  current(): SignedTrustBundle {
    return this.publisher.current();
  }

  @Post('bundles')
  @CommandRoute('admin')
  @ApiOperation({
    summary:
      'Publish a trust bundle signed by k of the governance keys of the one in force (422 when it does not follow)',
  })
  async publish(
    @Body({ schema: publishBundleRequest }) body: z.infer<typeof publishBundleRequest>,
    @CommandContext() request: CommandRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { outcome, position, version } = await this.publisher.publish(body as unknown as SignedTrustBundle, request);
    return { version, position, ...commandAnswer(outcome, response) };
  }
}
