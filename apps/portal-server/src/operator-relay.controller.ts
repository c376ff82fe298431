import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { askDepartment, Public } from '@registry-bus/kit';
import { DEPARTMENT_PATTERN } from '@registry-bus/protocol';
import type { Response } from 'express';
import { z } from 'zod';

import { PORTAL_SETTINGS, relay, type PortalSettings } from './portal.controller.js';

const feedQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(40) });
const entryParams = z.strictObject({
  chain: z.string().regex(DEPARTMENT_PATTERN, 'must be a chain id'),
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/**
 * The operator page's data, relayed to the notary with the operator's own
 * token: the notary decides who may see it (admin or auditor), and the
 * portal keeps no token of its own. Only these three routes are relayed,
 * each built from checked parameters — never a path the caller wrote, so
 * the portal cannot be used to reach any other route of the notary.
 * Rate-limited per client address like every public route: an unknown
 * caller's requests stop here, not at the notary.
 */
@ApiTags('operator')
@ApiBearerAuth()
@Controller('v1/operator')
export class OperatorRelayController {
  constructor(@Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings) {}

  @Get('overview')
  @Public()
  @ApiOperation({ summary: 'The notary’s operator overview, with your notary admin or auditor token' })
  overview(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.ask('/v1/operator/overview', authorization, response);
  }

  @Get('feed')
  @Public()
  @ApiOperation({ summary: 'The latest entries crossing the bus (types and positions), from the notary' })
  feed(
    @Query() query: Record<string, string>,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { limit } = feedQuery.parse(query);
    return this.ask(`/v1/operator/feed?limit=${limit}`, authorization, response);
  }

  @Get('entries/:chain/:seq')
  @Public()
  @ApiOperation({ summary: 'One entry as the notary holds it' })
  entry(
    @Param() params: Record<string, string>,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { chain, seq } = entryParams.parse(params);
    return this.ask(`/v1/operator/entries/${encodeURIComponent(chain)}/${seq}`, authorization, response);
  }

  private async ask(path: string, authorization: string | undefined, response: Response) {
    const answer = await askDepartment(
      'notary',
      this.settings.urls.notary,
      path,
      10_000,
      authorization ? { authorization } : {},
    );
    return relay(answer, response);
  }
}
