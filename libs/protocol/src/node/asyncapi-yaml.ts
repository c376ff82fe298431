import { DEPARTMENTS } from '../envelope/envelope.js';
import { asyncApiDocument } from '../asyncapi/asyncapi-document.js';
import { protocolRegistry } from '../asyncapi/all-event-types.js';

/** The text of docs/asyncapi.yaml (generated; a test checks it is current). */
export function asyncApiYaml(stringify: (value: unknown) => string): string {
  return `# Generated from the event type registry by libs/protocol/src/node/write-asyncapi.ts; do not edit.\n${stringify(asyncApiDocument(protocolRegistry(), DEPARTMENTS))}`;
}
