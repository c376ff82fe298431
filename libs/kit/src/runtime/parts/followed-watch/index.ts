export { FollowedWatch, type FollowedReader } from './followed-watch.js';
