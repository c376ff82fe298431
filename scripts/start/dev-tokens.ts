import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openTokenLedger, type Role } from '@registry-bus/kit';

import { KEYS_DIR, LOCAL_DIR } from './local-stack.js';

export const DEV_TOKENS_FILE = join(LOCAL_DIR, 'dev-tokens.json');
const ISSUER = 'npm start';

interface DevOperator {
  label: string;
  operator: string;
  role: Role;
  scope?: string;
}

/**
 * Who exists in development: an admin, a clerk and an auditor per department;
 * the credit registry has a clerk per demo bank, the diploma registry one for
 * the demo university.
 */
function operatorsOf(department: string): DevOperator[] {
  const clerks: DevOperator[] =
    department === 'credit'
      ? [
          { label: 'clerk-alpha', operator: 'clerk:alpha', role: 'clerk', scope: 'bank:alpha' },
          { label: 'clerk-beta', operator: 'clerk:beta', role: 'clerk', scope: 'bank:beta' },
        ]
      : department === 'diploma'
        ? [{ label: 'clerk-tsu', operator: 'clerk:tsu', role: 'clerk', scope: 'inst:tsu' }]
        : [{ label: 'clerk', operator: `clerk:${department}`, role: 'clerk' }];
  return [
    { label: 'admin', operator: `admin:${department}`, role: 'admin' },
    ...clerks,
    { label: 'auditor', operator: `auditor:${department}`, role: 'auditor' },
  ];
}

export type DevTokens = Record<string, Record<string, string>>;

/**
 * Issues fresh development tokens as entries of each department's ledger
 * (revoking the previous start's), and writes them to .local/dev-tokens.json
 * (git-ignored, mode 600). Production issues tokens with `npm run token`.
 */
export async function issueDevTokens(departments: Array<{ department: string; ownerUrl: string }>): Promise<DevTokens> {
  const tokens: DevTokens = {};
  for (const { department, ownerUrl } of departments) {
    // Each token an entry of the department's ledger (issue #27), signed with the key the app uses.
    const ledger = await openTokenLedger({
      databaseUrl: ownerUrl,
      department,
      keysDir: join(KEYS_DIR, department),
      // On the audit record like every issue and revocation (issue #26): `npm start` issued them.
      as: { operator: ISSUER, route: (step) => `npm start: development token ${step}` },
    });
    try {
      const store = ledger.tokens;
      await store.revokeIssuedByMe();
      tokens[department] = {};
      for (const operator of operatorsOf(department)) {
        const issued = await store.issue({
          operator: operator.operator,
          role: operator.role,
          scope: operator.scope ?? null,
          validForSeconds: 30 * 86_400,
        });
        tokens[department][operator.label] = issued.token;
      }
    } finally {
      await ledger.close();
    }
  }
  writeFileSync(DEV_TOKENS_FILE, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}
