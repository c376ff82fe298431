export { MetricsAdmin } from './metrics-admin.js';
export { metricsFromHeads } from './metrics-heads.js';
