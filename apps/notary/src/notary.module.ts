import { type DynamicModule, Module } from '@nestjs/common';
import { HEALTH_INDICATORS, HealthController, kafkaIndicator, postgresUrlIndicator } from '@registry-bus/kit';

import { NOTARY_CONFIG, type NotaryConfig } from './config/notary.config.js';

/** The notary: anchors every department's chain (issue 9 fills in the anchoring). */
@Module({})
export class NotaryModule {
  static forRoot(config: NotaryConfig): DynamicModule {
    return {
      module: NotaryModule,
      controllers: [HealthController],
      providers: [
        { provide: NOTARY_CONFIG, useValue: config },
        {
          provide: HEALTH_INDICATORS,
          useValue: [postgresUrlIndicator(config.DATABASE_URL), kafkaIndicator(config.KAFKA_BROKERS)],
        },
      ],
    };
  }
}
