export {
  DepartmentTrust,
  TRUST_BUNDLE_PUBLISHED,
  loadTrustBundle,
  type BundleRefusal,
  type TrustFiles,
} from './department-trust.js';
export { publishedBundleVerdict, type PublishedBundleVerdict } from './published-bundle.js';
