import { type DynamicModule, Module } from '@nestjs/common';
import { DEPARTMENT_RUNTIME } from '@registry-bus/kit';

import { OPERATOR_OVERVIEW, OperatorController } from './operator.controller.js';
import { OperatorOverview, type OverviewContext } from './operator-overview.js';

/**
 * The operator view's data (every register's head, anchors, witnesses, lags,
 * alarms), behind a notary admin or auditor token. The public portal runs in
 * a process of its own (apps/portal-server) and relays an operator's
 * requests here; the notary serves no page.
 */
@Module({})
export class OperatorModule {
  static forRoot(options: { urls: Record<string, string> }): DynamicModule {
    return {
      module: OperatorModule,
      controllers: [OperatorController],
      providers: [
        {
          provide: OPERATOR_OVERVIEW,
          inject: [DEPARTMENT_RUNTIME],
          useFactory: (runtime: OverviewContext) => new OperatorOverview(runtime, options.urls),
        },
      ],
    };
  }
}
