import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';

import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ProblemError, Public } from '@registry-bus/kit';
import type { Response } from 'express';

import { PORTAL_SETTINGS, type PortalSettings } from './portal.controller.js';

/**
 * Everything the pages load comes from this origin: scripts, styles and the
 * API. The policy says so to the browser too, so a page that was tampered
 * with cannot quietly send what it verifies elsewhere. The one other origin
 * the page may ask is the operators' OpenID provider: its discovery document
 * and its token endpoint, where the sign-in's code is exchanged.
 */
export function contentSecurityPolicy(issuer: string | undefined): string {
  const connect = issuer ? `'self' ${new URL(issuer).origin}` : "'self'";
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

/** Serves the built pages (`npm run build:portal`) under /portal/. */
@ApiExcludeController()
@Controller('portal')
export class PortalFilesController {
  private readonly contentSecurityPolicy: string;

  constructor(@Inject(PORTAL_SETTINGS) private readonly settings: PortalSettings) {
    this.contentSecurityPolicy = contentSecurityPolicy(settings.signIn?.issuer);
  }

  @Get()
  @Public()
  index(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  @Get('*path')
  @Public()
  file(@Param('path') path: string | string[], @Res() response: Response): void {
    const relative = Array.isArray(path) ? path.join('/') : path;
    this.send(response, relative === '' ? 'index.html' : relative);
  }

  private send(response: Response, relative: string): void {
    const root = this.settings.portalDir;
    if (!existsSync(join(root, 'index.html'))) {
      throw new ProblemError(
        503,
        'PORTAL.NOT_BUILT',
        'Portal not built',
        `there is no built portal in ${root}: run \`npm run build:portal\` (npm start does it), or set PORTAL_DIR`,
      );
    }
    const clean = normalize(relative).replace(/^(\.\.(\/|\\|$))+/, '');
    if (clean.startsWith('..') || !existsSync(join(root, clean))) {
      throw new ProblemError(404, 'PORTAL.NO_SUCH_FILE', 'Not found', `the portal has no file '${relative}'`, [
        { field: 'path', reason: 'no such file in the built portal' },
      ]);
    }
    response.setHeader('Content-Security-Policy', this.contentSecurityPolicy);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    // Hashed asset names may be cached for ever; the page itself must be fresh after a new build.
    response.setHeader(
      'Cache-Control',
      clean.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    // `root` makes express refuse any path that leaves the folder, whatever the normalisation above missed.
    response.sendFile(clean, { root, dotfiles: 'deny' });
  }
}
