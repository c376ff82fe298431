import { type DynamicModule, Module } from '@nestjs/common';
import { DEPARTMENT_RUNTIME, type DepartmentContext } from '@registry-bus/kit';

import { TRUST_BUNDLES, TrustBundlePublisher } from './trust-bundle-publisher.js';
import { TrustBundlesController } from './trust-bundles.controller.js';

/** `POST /v1/trust/bundles` (publish a signed bundle on the notary's ledger) and `GET /v1/trust/bundle` (in force). */
@Module({})
export class TrustBundlesModule {
  static forRoot(): DynamicModule {
    return {
      module: TrustBundlesModule,
      controllers: [TrustBundlesController],
      providers: [
        {
          provide: TRUST_BUNDLES,
          inject: [DEPARTMENT_RUNTIME],
          useFactory: (runtime: DepartmentContext) => new TrustBundlePublisher(runtime),
        },
      ],
    };
  }
}
