export { checkHealth, type DependencyHealth, type HealthIndicator } from './health/health-check.js';
export { HealthController, HEALTH_INDICATORS } from './health/health.controller.js';
export { kafkaIndicator, postgresIndicator, postgresUrlIndicator } from './health/indicators.js';
