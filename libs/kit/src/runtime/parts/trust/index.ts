export { DepartmentTrust, loadTrustBundle, type TrustFiles } from './department-trust.js';
