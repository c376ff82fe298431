export { ConfigError, loadConfig } from './load-config.js';
export * as variables from './variables.js';
