// `npm run token -- <issue|list|revoke> …`: operator tokens of one department,
// recorded as entries of its ledger, signed with its key (the first admin of a
// new department is made this way; later ones through POST /v1/admin/tokens).
//
//   DATABASE_URL=postgres://… KEYS_DIR=… npm run token -- issue --department land --role admin --operator admin:nino [--scope x] [--days 30]
//   DATABASE_URL=postgres://… npm run token -- list --department land
//   DATABASE_URL=postgres://… KEYS_DIR=… npm run token -- revoke --department land --id <token id>
// KEYS_DIR is the app's (the folder of its signing-key.json); LEDGER_SHARDS too when the ledger is sharded.
import { parseArgs } from 'node:util';

import { OPERATOR_ID, ROLES, TokenStore, openTokenLedger, type Role, type ToolTokens } from '@registry-bus/kit';
import pg from 'pg';

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(64); // EX_USAGE
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    department: { type: 'string' },
    role: { type: 'string' },
    operator: { type: 'string' },
    scope: { type: 'string' },
    days: { type: 'string', default: '30' },
    id: { type: 'string' },
  },
});
const action = positionals[0];
const url = process.env.DATABASE_URL;
if (!url) fail('set DATABASE_URL to the department database (an owner or writer connection)');
if (!values.department) fail('--department is required');

const pool = new pg.Pool({ connectionString: url, max: 1 });
const queryable = { query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows };
// Issue and revoke write signed entries of the department's ledger: opened only once the arguments hold.
// They go on the department's audit record like those over REST, as `cli:<user>`.
const cli = `cli:${process.env.USER ?? 'unknown'}`;
let ledger: Awaited<ReturnType<typeof openTokenLedger>> | undefined;
async function writer(): Promise<ToolTokens> {
  const keysDir = process.env.KEYS_DIR;
  if (!keysDir) fail("set KEYS_DIR to the department's key folder: a token is a signed entry of its ledger");
  const shards = Number(process.env.LEDGER_SHARDS ?? '1');
  if (!Number.isInteger(shards) || shards < 1) fail('LEDGER_SHARDS must be a whole number of 1 or more');
  ledger = await openTokenLedger({
    databaseUrl: url!,
    department: values.department!,
    keysDir,
    shards,
    as: { operator: cli, route: (step) => `npm run token -- ${step}` },
  });
  return ledger.tokens;
}
try {
  if (action === 'issue') {
    if (!values.role || !ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
    if (!values.operator) fail('--operator is required, e.g. admin:nino');
    const operatorId = OPERATOR_ID.safeParse(values.operator);
    if (!operatorId.success) fail(`--operator ${operatorId.error.issues[0]!.message}`);
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) fail('--days must be a whole number from 1 to 366');
    const issued = await (
      await writer()
    ).issue({
      operator: values.operator,
      role: values.role as Role,
      scope: values.scope ?? null,
      validForSeconds: days * 86_400,
    });
    process.stdout.write(`${JSON.stringify(issued, null, 2)}\n(the token is shown only now; it is stored hashed)\n`);
  } else if (action === 'list') {
    process.stdout.write(`${JSON.stringify(await new TokenStore(queryable, values.department).list(), null, 2)}\n`);
  } else if (action === 'revoke') {
    if (!values.id) fail('--id is required');
    const revoked = await (await writer()).revoke(values.id);
    if (!revoked) fail(`no active token ${values.id}`);
    process.stdout.write(`revoked ${values.id}\n`);
  } else {
    fail('the action must be issue, list or revoke');
  }
} finally {
  await ledger?.close();
  await pool.end();
}
