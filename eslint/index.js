import noForeignTableSql from './rules/no-foreign-table-sql.js';

/** The repository's own ESLint rules (wired in eslint.config.js as the `local` plugin). */
export default { rules: { 'no-foreign-table-sql': noForeignTableSql } };
