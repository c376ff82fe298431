import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { TLOG_SIZE_CONTENT_TYPE } from '@registry-bus/protocol';
import type { Request, Response } from 'express';

import { Public } from '../../auth/access.decorators.js';
import { ProblemError } from '../../problems/problem-details.js';
import type { CheckpointWitness } from './checkpoint-witness.js';

export const CHECKPOINT_WITNESS = Symbol('CHECKPOINT_WITNESS');

/**
 * c2sp.org/tlog-witness on every department: `POST /v1/witness/add-checkpoint`.
 * Public, as the protocol is: what it takes is a checkpoint the notary
 * signed, and what it gives is a cosignature of a checkpoint it checked —
 * a caller without the notary's key gets a 403 and changes nothing.
 */
@ApiTags('witness')
@Controller('v1/witness')
export class WitnessController {
  constructor(@Inject(CHECKPOINT_WITNESS) private readonly witness: CheckpointWitness) {}

  @Post('add-checkpoint')
  @Public()
  @ApiConsumes('text/plain')
  @ApiProduces('text/plain', TLOG_SIZE_CONTENT_TYPE)
  @ApiOperation({
    summary:
      'C2SP tlog-witness add-checkpoint: old size, consistency proof, blank line, the notary-signed checkpoint; answers the cosignature line (409 text/x.tlog.size: this witness’s size)',
  })
  async addCheckpoint(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (typeof request.body !== 'string')
      throw new ProblemError(415, 'WITNESS.BAD_MEDIA_TYPE', 'Not text', 'add-checkpoint takes a text/plain body', [
        { field: 'content-type', reason: 'must be text/plain' },
      ]);
    const answer = await this.witness.addCheckpoint(request.body);
    response
      .status(answer.status)
      .type(answer.status === 409 ? TLOG_SIZE_CONTENT_TYPE : 'text/plain; charset=utf-8')
      .send(answer.body);
  }
}
