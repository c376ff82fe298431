import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

import { readOwnerOnlyFile } from '@registry-bus/protocol';

import type { DepartmentConfig } from '../department/department-config.js';

type HttpsConfig = Pick<DepartmentConfig, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>;

/** The HTTPS server's key and certificate chain, when the app has them (issue #25); undefined: plain HTTP. */
export function httpsOptionsOf(config: HttpsConfig): { key: string; cert: string } | undefined {
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  return { key: readOwnerOnlyFile(config.TLS_KEY_FILE), cert: readFileSync(config.TLS_CERT_FILE, 'utf8') };
}

/**
 * Adds a CA to the ones this process trusts by default (the system's), so
 * every `fetch` to another app — the notary asking a head, a mirror during
 * recovery — checks that app's certificate against it, hostname included.
 * Added, never replacing: the system's CAs still vouch for public services.
 * Process-wide on purpose: there is one trust store, not one per call site
 * that might forget it.
 */
export function trustCertificateAuthority(file: string): void {
  const pem = readFileSync(file, 'utf8').trim();
  const current = getCACertificates('default');
  if (current.some((known) => known.trim() === pem)) return;
  setDefaultCACertificates([...current, pem]);
}
