import { DEPARTMENTS } from '../envelope/envelope.js';
import { anchorSignedV1, controlEventTypes, trustBundlePublishedV1 } from '../event-types/control-events.js';
import { EventTypeRegistry, type EventTypeDefinition } from '../event-types/event-type-registry.js';

/** The registry the AsyncAPI document describes: control types of every department, plus what domains add. */
export function protocolRegistry(domainTypes: EventTypeDefinition[] = []): EventTypeRegistry {
  return new EventTypeRegistry([
    ...DEPARTMENTS.flatMap((dept) => (dept === 'notary' ? [] : controlEventTypes(dept))),
    anchorSignedV1,
    trustBundlePublishedV1,
    ...domainTypes,
  ]);
}
