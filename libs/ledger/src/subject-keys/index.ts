export { DATA_KEK_FILE, loadOrCreateDataKek } from './key-encryption-key-file.js';
export { SubjectKeyStore, type SubjectKeyQueryable, type SubjectKeyStoreOptions } from './subject-key-store.js';
export {
  KEK_BYTES,
  MAX_SUBJECT_LENGTH,
  requireSubject,
  subjectKeyAssociatedData,
  unwrapSubjectKey,
  wrapSubjectKey,
  type KeyEncryptionKey,
  type SubjectKeyOwner,
  type WrappedSubjectKey,
} from './subject-key-wrap.js';
