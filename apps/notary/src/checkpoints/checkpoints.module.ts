import { type DynamicModule, Module } from '@nestjs/common';
import { DEPARTMENT_RUNTIME } from '@registry-bus/kit';

import { CHECKPOINTS, CheckpointsController } from './checkpoints.controller.js';
import { NotaryCheckpoints, type CheckpointsContext } from './notary-checkpoints.js';

/** The notary's anchors as C2SP checkpoints (`GET /v1/checkpoints/<chain>`, `/v1/checkpoints/keys`). */
@Module({})
export class CheckpointsModule {
  static forRoot(options: { originPrefix: string }): DynamicModule {
    return {
      module: CheckpointsModule,
      controllers: [CheckpointsController],
      providers: [
        {
          provide: CHECKPOINTS,
          inject: [DEPARTMENT_RUNTIME],
          useFactory: (runtime: CheckpointsContext) => NotaryCheckpoints.of(runtime, options.originPrefix),
        },
      ],
    };
  }
}
