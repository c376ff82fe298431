import { readFileSync } from 'node:fs';

import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { diplomaNumber } from '@registry-bus/contracts';
import { askDepartment, ProblemError, Public, type ProbeAnswer } from '@registry-bus/kit';
import { DEPARTMENT_PATTERN, parseStrictJson, SHARD_CHAIN_PATTERN } from '@registry-bus/protocol';
import type { Response } from 'express';
import { z } from 'zod';

import type { PortalSignIn } from './portal-config.js';

export const PORTAL_SETTINGS = Symbol('PORTAL_SETTINGS');

export interface PortalSettings {
  /** Each department's app and the notary's (PORTAL_DEPARTMENT_URLS, PORTAL_NOTARY_URL). */
  urls: Record<string, string>;
  /** The signed trust bundle and the governance root key the apps were started with. */
  trustBundleFile: string;
  trustRootPublicKeyFile: string;
  /** The built portal (index.html and its assets). */
  portalDir: string;
  /** Where the operator view signs operators in (PORTAL_OIDC_*), if anywhere. */
  signIn: PortalSignIn | undefined;
}

const diplomaParams = z.strictObject({ diplomaNumber });
const receiptParams = z.strictObject({
  department: z.string().regex(DEPARTMENT_PATTERN, 'must be a department id'),
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});
/** The shard of a sharded register (`diploma/1`); absent for a register of one chain. */
const receiptQuery = z.strictObject({
  chain: z.string().regex(SHARD_CHAIN_PATTERN, 'must be a shard of a chain, e.g. diploma/1').optional(),
});

/**
 * What the public pages of the portal read, all from the portal's own
 * origin: the trust bundle to verify receipts with in the browser, a
 * diploma's public status, and any department's public receipts. Nothing
 * here needs a token and nothing here is more than the departments already
 * publish; the portal only relays it, and the page verifies what it gets.
 */
@ApiTags('portal')
@Controller('v1/portal')
export class PortalController {
  /** Read once, like the apps read theirs at start-up: a new bundle takes a restart everywhere. */
  private trustFiles: { bundle: unknown; rootPublicKey: string } | undefined;

  constructor(@Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings) {}

  @Get('trust')
  @Public()
  @ApiOperation({
    summary:
      'The signed trust bundle the browser verifies receipts with, and the root key the apps use (for display: the page verifies the bundle under the root built into it, never this one)',
  })
  trust() {
    this.trustFiles ??= {
      bundle: parseStrictJson(readFileSync(this.settings.trustBundleFile, 'utf8'), 'the trust bundle file'),
      rootPublicKey: readFileSync(this.settings.trustRootPublicKeyFile, 'utf8').trim(),
    };
    return this.trustFiles;
  }

  @Get('sign-in')
  @Public()
  @ApiOperation({
    summary:
      "Where the operator view signs operators in: the OpenID provider, the portal's public client, the notary's resource (signIn null: none configured)",
  })
  signIn() {
    return { signIn: this.settings.signIn ?? null };
  }

  @Get('departments')
  @Public()
  @ApiOperation({ summary: 'The departments whose receipts this portal can fetch' })
  departments() {
    return { departments: Object.keys(this.settings.urls).sort() };
  }

  @Get('diplomas/:diplomaNumber')
  @Public()
  @ApiOperation({ summary: 'A diploma’s public status from the diploma registry (never the holder)' })
  async diploma(@Param() params: Record<string, string>, @Res({ passthrough: true }) response: Response) {
    const { diplomaNumber: number } = diplomaParams.parse(params);
    const answer = await askDepartment(
      'diploma',
      this.settings.urls.diploma,
      `/v1/diplomas/${encodeURIComponent(number)}/status`,
    );
    return relay(answer, response);
  }

  @Get('receipts/:department/:seq')
  @Public()
  @ApiOperation({ summary: 'A department’s public receipt of one entry; 202 with Retry-After until anchored' })
  async receipt(
    @Param() params: Record<string, string>,
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { department, seq } = receiptParams.parse(params);
    const { chain } = receiptQuery.parse(query);
    const path = `/v1/ledger/entries/${seq}/receipt${chain ? `?chain=${encodeURIComponent(chain)}` : ''}`;
    const answer = await askDepartment(department, this.settings.urls[department], path);
    return relay(answer, response);
  }
}

/** Passes the department's answer on: its status, Retry-After and content type (problem+json stays problem+json). */
export function relay(answer: ProbeAnswer, response: Response): unknown {
  if (answer.status >= 500) {
    throw new ProblemError(
      502,
      'PORTAL.DEPARTMENT_FAILED',
      'Department failed',
      `the department answered ${answer.status}`,
    );
  }
  response.status(answer.status);
  if (answer.retryAfter) response.setHeader('Retry-After', answer.retryAfter);
  if (answer.contentType) response.setHeader('Content-Type', answer.contentType);
  return answer.body;
}
