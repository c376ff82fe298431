import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';

import { Public } from '../auth/access.decorators.js';
import { checkHealth, type HealthIndicator } from './health-check.js';

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

/** `GET /health`: 200 when the database and Kafka answer, 503 with the failing one named otherwise. */
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) response: Response) {
    const result = await checkHealth(this.indicators);
    response.status(result.ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: result.ok ? 'ok' : 'unavailable', dependencies: result.dependencies };
  }
}
