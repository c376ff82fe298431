import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  FixedWindowLimiter,
  HEALTH_INDICATORS,
  HealthController,
  PUBLIC_RATE_LIMIT,
  PublicRateLimitGuard,
  type HealthIndicator,
} from '@registry-bus/kit';

import { OperatorRelayController } from './operator-relay.controller.js';
import { portalSignIn, type PortalConfig } from './portal-config.js';
import { PortalFilesController } from './portal-files.controller.js';
import { PORTAL_SETTINGS, PortalController, type PortalSettings } from './portal.controller.js';

/**
 * The portal's HTTP surface: the pages, what they read (relayed from the
 * departments and the notary), and /health. No guard but the public rate
 * limit: nothing here is more than the departments publish, and the
 * operator's data is the notary's to refuse.
 */
@Module({})
export class PortalModule {
  static forRoot(config: PortalConfig): DynamicModule {
    const settings: PortalSettings = {
      urls: { ...config.PORTAL_DEPARTMENT_URLS, notary: config.PORTAL_NOTARY_URL.replace(/\/$/, '') },
      trustBundleFile: config.TRUST_BUNDLE_FILE,
      trustRootPublicKeyFile: config.TRUST_ROOT_PUBLIC_KEY_FILE,
      portalDir: config.PORTAL_DIR,
      signIn: portalSignIn(config),
    };
    return {
      module: PortalModule,
      controllers: [HealthController, PortalController, OperatorRelayController, PortalFilesController],
      providers: [
        { provide: PORTAL_SETTINGS, useValue: settings },
        { provide: PUBLIC_RATE_LIMIT, useValue: new FixedWindowLimiter(config.PUBLIC_RATE_LIMIT_PER_MINUTE) },
        { provide: APP_GUARD, useClass: PublicRateLimitGuard },
        { provide: HEALTH_INDICATORS, useValue: [notaryIndicator(settings.urls.notary!)] },
      ],
    };
  }
}

/** The notary answers its /health: receipts and the operator view depend on it. */
function notaryIndicator(url: string): HealthIndicator {
  return {
    name: 'notary',
    async check() {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1500) });
      if (!response.ok) throw new Error(`the notary's /health answered ${response.status}`);
    },
  };
}
