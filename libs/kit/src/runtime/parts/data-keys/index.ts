export { DataKeys } from './data-keys.js';
export { KEY_RELEASE_QUERY, MAX_RELEASE_SEQS, keyReleaseHandler } from './key-release-handler.js';
export { sealedDataOpener } from './sealed-data-opener.js';
