export { Following, type FollowingOptions } from './following.js';
