/**
 * A table belongs to one lib (STYLE.md): a string or template literal that
 * names a table (or view) is an error outside the folder of the lib or app
 * that owns it (eslint/table-owners.js). Read another lib's table through
 * that lib's reader, exported by its index.ts.
 *
 * Allowed, and why:
 * - an app's migrations (apps/<app>/src/migrations/) may CREATE or DROP an
 *   INDEX on another lib's table: the index serves that app's own reads
 *   (the notary's operator view), costs nothing to the departments that do
 *   not ask, and leaves the table itself (columns, triggers, grants) to its
 *   owner — any other statement there is still an error;
 * - spec files, integration tests, benches, test/ and libs/testing are not
 *   linted by this rule (eslint.config.js): a test may look at any table to
 *   prove what a lib did;
 * - FOREIGN_TABLE_ALLOWLIST: files of other slices of issue #21, named with
 *   the tables they may still name, until they move.
 */
const INDEX_STATEMENT = /^\s*(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b/i;

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: "forbid SQL naming a table owned by another lib (read it through the owner's reader)" },
    schema: [
      {
        type: 'object',
        properties: {
          owners: { type: 'object', additionalProperties: { type: 'string' } },
          allowlist: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['owners'],
        additionalProperties: false,
      },
    ],
    messages: {
      foreign:
        '{{table}} belongs to {{owner}}: read it through @registry-bus/{{lib}} (its reader), not with SQL written here',
    },
  },
  create(context) {
    const { owners, allowlist = {} } = context.options[0] ?? { owners: {} };
    const file = relativePath(context.filename, context.cwd);
    const tables = Object.keys(owners).sort((a, b) => b.length - a.length);
    if (tables.length === 0) return {};
    const named = new RegExp(`\\b(${tables.join('|')})\\b`, 'g');
    const inAppMigrations = /^apps\/[^/]+\/src\/migrations\//.test(file);
    const allowed = new Set(allowlist[file] ?? []);

    function check(node, text) {
      if (inAppMigrations && INDEX_STATEMENT.test(text)) return;
      for (const match of text.matchAll(named)) {
        const table = match[1];
        const owner = owners[table];
        if (file === owner || file.startsWith(`${owner}/`) || allowed.has(table)) continue;
        context.report({ node, messageId: 'foreign', data: { table, owner, lib: owner.split('/').pop() } });
      }
    }

    return {
      Literal(node) {
        if (typeof node.value === 'string') check(node, node.value);
      },
      TemplateLiteral(node) {
        check(node, node.quasis.map((quasi) => quasi.value.cooked ?? quasi.value.raw).join(' '));
      },
    };
  },
};

/** The file's path from the repository root, with forward slashes. */
function relativePath(filename, cwd) {
  const normalized = filename.replaceAll('\\', '/');
  const root = `${cwd.replaceAll('\\', '/')}/`;
  return normalized.startsWith(root) ? normalized.slice(root.length) : normalized;
}
