import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { RuleTester } from 'eslint';

import { TABLE_OWNERS } from '../table-owners.js';
import sut from './no-foreign-table-sql.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const options = [{ owners: { ledger_entry: 'libs/ledger', received_entry: 'libs/bus' } }];
const at = (file) => join(root, file);

new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } }).run('no-foreign-table-sql', sut, {
  valid: [
    {
      code: "db.query('SELECT max(seq) FROM ledger_entry WHERE chain = $1')",
      filename: at('libs/ledger/src/read/x.ts'),
      options,
    },
    {
      code: 'db.query(`SELECT 1 FROM received_entry WHERE seq > ${after}`)',
      filename: at('libs/bus/src/received/x.ts'),
      options,
    },
    // A table's name inside a longer identifier (an index, another table) is not the table.
    { code: "q('DROP INDEX received_entry_received_at')", filename: at('libs/kit/src/x.ts'), options },
    {
      code: "q('CREATE INDEX received_entry_at ON received_entry (received_at)')",
      filename: at('apps/notary/src/migrations/1-x.ts'),
      options,
    },
    {
      code: "q('SELECT 1 FROM ledger_entry')",
      filename: at('libs/kit/src/department/department-runtime.ts'),
      options: [{ ...options[0], allowlist: { 'libs/kit/src/department/department-runtime.ts': ['ledger_entry'] } }],
    },
  ],
  invalid: [
    {
      code: "db.query('SELECT max(seq) FROM ledger_entry WHERE chain = $1')",
      filename: at('libs/kit/src/metrics/x.ts'),
      options,
      errors: [
        {
          message:
            'ledger_entry belongs to libs/ledger: read it through @registry-bus/ledger (its reader), not with SQL written here',
        },
      ],
    },
    {
      code: 'db.query(`SELECT e.seq FROM received_entry e WHERE e.source_chain = ${chain}`)',
      filename: at('apps/notary/src/portal/x.ts'),
      options,
      errors: [{ messageId: 'foreign' }],
    },
    // An app's migration may index another lib's table, not change it.
    {
      code: "q('ALTER TABLE received_entry ADD COLUMN x text')",
      filename: at('apps/notary/src/migrations/1-x.ts'),
      options,
      errors: [{ messageId: 'foreign' }],
    },
    // The allowlist names a table for a file; another table is still an error there.
    {
      code: "q('SELECT 1 FROM received_entry')",
      filename: at('libs/kit/src/department/department-runtime.ts'),
      options: [{ ...options[0], allowlist: { 'libs/kit/src/department/department-runtime.ts': ['ledger_entry'] } }],
      errors: [{ messageId: 'foreign' }],
    },
  ],
});

describe('the table owners map', () => {
  it('names every table and view the migrations create, with the folder whose migrations create it', () => {
    const created = {};
    for (const kind of ['libs', 'apps']) {
      for (const name of readdirSync(join(root, kind))) {
        const folder = join(root, kind, name, 'src', 'migrations');
        let files;
        try {
          files = readdirSync(folder);
        } catch {
          continue;
        }
        for (const file of files) {
          const text = readFileSync(join(folder, file), 'utf8');
          for (const match of text.matchAll(/CREATE\s+(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\w+\.)?(\w+)/gi))
            created[match[1]] = `${kind}/${name}`;
        }
      }
    }
    expect(created).toEqual(TABLE_OWNERS);
  });
});
