import { DEPARTMENTS, asyncApiDocument, protocolRegistry } from '@registry-bus/protocol';

import { domainEventTypes } from '../all-domain-event-types.js';

/** The text of docs/asyncapi.yaml (generated; a test checks it is current). */
export function asyncApiYaml(stringify: (value: unknown) => string): string {
  return `# Generated from the event type registry by \`npm run asyncapi\`; do not edit.\n${stringify(asyncApiDocument(protocolRegistry(domainEventTypes), DEPARTMENTS))}`;
}
