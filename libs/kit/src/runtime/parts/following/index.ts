export { Following, type FollowingOptions } from './following.js';
export { checkpointRelease } from './checkpoint-release.js';
