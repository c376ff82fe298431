import type { INestApplication } from '@nestjs/common';
import { serveHttp, trustCertificateAuthority } from '@registry-bus/kit';
import type { Logger } from '@registry-bus/logging';

import type { PortalConfig } from './portal-config.js';
import { PortalModule } from './portal.module.js';

export interface RunningPortal {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts the portal's HTTP server (main.ts, and the tests in process). */
export async function startPortal(config: PortalConfig, logger: Logger): Promise<RunningPortal> {
  // The departments and the notary answer over HTTPS under the same development (or state) CA.
  if (config.TLS_CA_FILE) trustCertificateAuthority(config.TLS_CA_FILE);
  const { app, url } = await serveHttp(PortalModule.forRoot(config), config, logger, { title: 'portal' });
  return { app, url, close: () => app.close() };
}
