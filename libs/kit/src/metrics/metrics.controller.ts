import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/access.decorators.js';
import { DepartmentMetrics } from './department-metrics.js';

export const METRICS = Symbol('METRICS');

/** Prometheus text format. Counts and lags only, never register data, so it needs no token. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: DepartmentMetrics) {}

  @Get()
  @Public()
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics: counts and lags, never register data (no token)' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
