import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueryCode, QueryError, type QueryClient } from '@registry-bus/bus';
import { z } from 'zod';

import { Readers } from '../auth/access.decorators.js';
import { ProblemError } from '../problems/problem-details.js';
import { DEPARTMENT_PATTERN } from '@registry-bus/protocol';

export const QUERY_CLIENT = Symbol('QUERY_CLIENT');

const queryParams = z.strictObject({
  department: z.string().regex(DEPARTMENT_PATTERN, 'must be a department id such as "land"'),
  query: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a query name such as "parcel"'),
});
const queryBody = z.strictObject({
  params: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.int().min(100).max(30_000).default(5000),
});

const STATUS: Record<string, number> = {
  [QueryCode.NOT_GRANTED]: 403,
  [QueryCode.UNKNOWN_QUERY]: 404,
  [QueryCode.NOT_FOUND]: 404,
  [QueryCode.BAD_PARAMS]: 400,
  [QueryCode.EXPIRED]: 504,
  [QueryCode.TIMEOUT]: 504,
  [QueryCode.FAILED]: 502,
};

/** Asks another department's register, over Kafka, within the grants it gave this one. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('v1/queries')
export class QueriesController {
  constructor(@Inject(QUERY_CLIENT) private readonly client: QueryClient) {}

  @Post(':department/:query')
  @HttpCode(200)
  @Readers()
  @ApiOperation({ summary: "Ask another department's register (e.g. land/parcel with {cadastralNumber})" })
  async ask(
    @Param({ schema: queryParams }) params: z.infer<typeof queryParams>,
    @Body({ schema: queryBody }) body: z.infer<typeof queryBody>,
  ) {
    let reply;
    try {
      reply = await this.client.ask(params.department, params.query, body.params, body.timeoutMs);
    } catch (error) {
      if (error instanceof QueryError)
        throw new ProblemError(STATUS[error.code] ?? 502, error.code, 'No answer', error.message);
      throw new ProblemError(
        502,
        QueryCode.FAILED,
        'No answer',
        `the query could not be sent to ${params.department}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!reply.result.ok) {
      const field =
        reply.result.code === QueryCode.BAD_PARAMS ? [{ field: 'params', reason: reply.result.reason }] : undefined;
      throw new ProblemError(
        STATUS[reply.result.code] ?? 502,
        reply.result.code,
        'Refused',
        reply.result.reason,
        field,
      );
    }
    return {
      from: reply.from,
      query: params.query,
      answeredAt: reply.answeredAt,
      fields: reply.result.fields,
      answer: reply.result.answer,
    };
  }
}
