import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ProblemError, Public } from '@registry-bus/kit';
import { CHAIN_PATTERN } from '@registry-bus/protocol';
import { z } from 'zod';

import type { NotaryCheckpoints } from './notary-checkpoints.js';

export const CHECKPOINTS = Symbol('CHECKPOINTS');

const checkpointParams = z.strictObject({
  chain: z.string().regex(CHAIN_PATTERN, 'must be a chain id, e.g. land or land/1'),
});

/** The notary's checkpoints and its note verifier key, public, as text (C2SP signed notes). */
@ApiTags('checkpoints')
@Controller('v1/checkpoints')
export class CheckpointsController {
  constructor(@Inject(CHECKPOINTS) private readonly checkpoints: NotaryCheckpoints) {}

  @Get('keys')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The note verifier keys of the checkpoints: one per line (<name>+<key id>+<key>)' })
  keys(): string {
    return this.checkpoints.verifierKeys();
  }

  @Get('*chain')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The latest checkpoint of a chain (a C2SP tlog-checkpoint, signed by the notary)' })
  async latest(@Param('chain') chain: string | string[]): Promise<string> {
    const { chain: id } = checkpointParams.parse({ chain: Array.isArray(chain) ? chain.join('/') : chain });
    const note = await this.checkpoints.latest(id);
    if (!note)
      throw new ProblemError(404, 'CHECKPOINT.NONE', 'No checkpoint', `the notary has not anchored ${id} yet`, [
        { field: 'chain', reason: 'no anchor of this chain' },
      ]);
    return note;
  }
}
