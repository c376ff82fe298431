export { Following, type FollowingOptions } from './following.js';
export { checkpointRelease } from './checkpoint-release.js';
export { alarmOnEntriesRefusedByBundle } from './refused-by-bundle.js';
