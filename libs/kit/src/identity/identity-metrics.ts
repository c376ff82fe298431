import { Counter, type Registry } from 'prom-client';

/**
 * The 401s, counted by a bounded reason: an unauthenticated flood is seen
 * here and in the log, never in the audit table it would fill.
 */
export class IdentityMetrics {
  readonly unauthenticated: Counter<'reason'>;

  constructor(registry: Registry) {
    this.unauthenticated = new Counter({
      name: 'registry_bus_http_unauthenticated_total',
      help: 'Requests refused with 401 since the app started, by reason (no token, unknown, expired, a JWT refused…)',
      labelNames: ['reason'],
      registers: [registry],
    });
  }
}
