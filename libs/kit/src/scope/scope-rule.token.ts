/** The department's ScopeRule (DepartmentModule provides it to every controller). */
export const SCOPE_RULE = Symbol('SCOPE_RULE');
