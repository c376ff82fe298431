export { ensureDevCa, type DevCa, type DevCertificate } from './dev-ca.js';
