import { type DynamicModule, Module, type Type } from '@nestjs/common';

import { HEALTH_INDICATORS, HealthController } from '../health/health.controller.js';
import { kafkaIndicator, postgresIndicator } from '../health/indicators.js';
import { LEDGER, LedgerController } from '../ledger-http/ledger.controller.js';
import type { DepartmentRuntime } from './department-runtime.js';

export const DEPARTMENT_RUNTIME = Symbol('DEPARTMENT_RUNTIME');

/** Mounts the generic surface of a department (health, the ledger endpoints) and hands its runtime to the domain module. */
@Module({})
export class DepartmentModule {
  static forRoot(runtime: DepartmentRuntime, domain: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: DepartmentModule,
      global: true,
      imports: domain,
      controllers: [HealthController, LedgerController],
      providers: [
        { provide: DEPARTMENT_RUNTIME, useValue: runtime },
        { provide: LEDGER, useValue: runtime.ledger },
        {
          provide: HEALTH_INDICATORS,
          useValue: [
            postgresIndicator(() => runtime.dataSource.query('SELECT 1')),
            kafkaIndicator(runtime.config.KAFKA_BROKERS),
          ],
        },
      ],
      exports: [DEPARTMENT_RUNTIME, LEDGER],
    };
  }
}
