// `npm run migrate -- <app>`: brings an app's database schema up to date as its
// owner, and makes the app's login a writer, before the app starts — so that
// the owner's credentials (DATABASE_MIGRATIONS_URL) need never be in a running
// app's environment (issue #25). The same as `<app's main> --migrate`, which
// docker/compose.yaml's migrate job runs in the image.
//   DATABASE_MIGRATIONS_URL=postgres://owner@…/registry_bus_land \
//   DATABASE_URL=postgres://land_app@…/registry_bus_land npm run migrate -- land-registry
// DATABASE_URL is the app's login (made a member of the writer role); without it only the schema is migrated.
import { migrateCommand, type DepartmentDefinition } from '@registry-bus/kit';

import { BOND_DEPARTMENT } from '../../apps/bond-registry/src/bond.department.js';
import { COURT_DEPARTMENT } from '../../apps/court-registry/src/court.department.js';
import { CREDIT_DEPARTMENT } from '../../apps/credit-registry/src/credit.department.js';
import { DIPLOMA_DEPARTMENT } from '../../apps/diploma-registry/src/diploma.department.js';
import { LAND_DEPARTMENT } from '../../apps/land-registry/src/land.department.js';
import { NOTARY_MIGRATIONS } from '../../apps/notary/src/notary.department.js';

/** Each app's own migrations, beside the ledger's, the consumer's and the kit's that every app has. */
const APP_MIGRATIONS: Record<string, DepartmentDefinition['migrations']> = {
  notary: NOTARY_MIGRATIONS,
  'land-registry': LAND_DEPARTMENT.migrations,
  'diploma-registry': DIPLOMA_DEPARTMENT.migrations,
  'court-registry': COURT_DEPARTMENT.migrations,
  'credit-registry': CREDIT_DEPARTMENT.migrations,
  'bond-registry': BOND_DEPARTMENT.migrations,
};

const app = process.argv[2];
if (!app || process.argv.length > 3 || !(app in APP_MIGRATIONS)) {
  process.stderr.write(`usage: npm run migrate -- <app>, one of ${Object.keys(APP_MIGRATIONS).join(', ')}\n`);
  process.exit(64); // EX_USAGE
}
process.exit(await migrateCommand(app, APP_MIGRATIONS[app]));
