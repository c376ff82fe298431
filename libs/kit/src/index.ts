export { checkHealth, type DependencyHealth, type HealthIndicator } from './health/health-check.js';
export { HealthController, HEALTH_INDICATORS } from './health/health.controller.js';
export { kafkaIndicator, postgresIndicator, postgresUrlIndicator } from './health/indicators.js';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problem,
  problemType,
  type ProblemDetails,
} from './problems/problem-details.js';
export { ProblemFilter, toProblem } from './problems/problem-filter.js';
export { LEDGER, LedgerController } from './ledger-http/ledger.controller.js';
export { departmentConfigSchema, loadDepartmentConfig, type DepartmentConfig } from './department/department-config.js';
export { DepartmentRuntime, type DepartmentDefinition } from './department/department-runtime.js';
export { DepartmentModule, DEPARTMENT_RUNTIME } from './department/department.module.js';
export { bootstrapDepartment } from './department/bootstrap-department.js';
