import { type DynamicModule, Module } from '@nestjs/common';
import { DEPARTMENT_RUNTIME, type DepartmentContext } from '@registry-bus/kit';

import { OPERATOR_OVERVIEW, OperatorController } from './operator.controller.js';
import { OperatorOverview, type OverviewContext } from './operator-overview.js';
import { PortalFilesController } from './portal-files.controller.js';
import { PORTAL_SETTINGS, PortalController, type PortalSettings } from './portal.controller.js';

/** The public portal (pages and what they read) and the operator view, served by the notary. */
@Module({})
export class PortalModule {
  static forRoot(options: Pick<PortalSettings, 'urls' | 'portalDir'>): DynamicModule {
    return {
      module: PortalModule,
      controllers: [PortalController, OperatorController, PortalFilesController],
      providers: [
        {
          provide: PORTAL_SETTINGS,
          inject: [DEPARTMENT_RUNTIME],
          // The browser verifies with the very bundle and root key the apps were started with.
          useFactory: (runtime: Pick<DepartmentContext, 'config'>): PortalSettings => ({
            ...options,
            trustBundleFile: runtime.config.TRUST_BUNDLE_FILE,
            trustRootPublicKeyFile: runtime.config.TRUST_ROOT_PUBLIC_KEY_FILE,
          }),
        },
        {
          provide: OPERATOR_OVERVIEW,
          inject: [DEPARTMENT_RUNTIME],
          useFactory: (runtime: OverviewContext) => new OperatorOverview(runtime, options.urls),
        },
      ],
    };
  }
}
