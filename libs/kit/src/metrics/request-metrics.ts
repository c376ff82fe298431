import type { NextFunction, Request, Response } from 'express';

import type { DepartmentMetrics } from './department-metrics.js';

/**
 * Express middleware timing every request, including the ones a guard or a
 * validation pipe refused (an interceptor would not see those). Routes are
 * labelled by their pattern (`/v1/parcels/:cadastralNumber`), never by the
 * raw path, so the number of series stays bounded.
 */
export function requestMetrics(metrics: DepartmentMetrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const end = metrics.requestDuration.startTimer();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      end({
        method: request.method,
        route: route ? `${request.baseUrl}${route}` : 'unmatched',
        status: String(response.statusCode),
      });
    });
    next();
  };
}
