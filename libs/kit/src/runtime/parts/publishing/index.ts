export { Publishing, type PublishingSettings } from './publishing.js';
