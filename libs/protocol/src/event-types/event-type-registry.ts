import type { z } from 'zod';

import { TYPE_PATTERN } from '../envelope/envelope.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import type { EventData } from '../commitments/commitments.js';

/**
 * An event type: its name carries its version (`gov.<dept>.<aggregate>.<event>.v<N>`),
 * its data has a zod schema, and each field is marked public (shown on
 * public receipts) or personal (never leaves the owner without a grant).
 * `upcast` turns this version's data into the next version's, so entries
 * written years ago stay readable by today's code.
 */
export interface EventTypeDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  schema: Schema;
  description?: string;
  publicFields: readonly string[];
  personalFields: readonly string[];
  /** Control entries (grants, keys, anchors, cosignatures, alarms) reach every consumer whatever the grants. */
  control?: boolean;
  upcast?: { to: string; transform: (data: EventData) => EventData };
}

export function defineEventType<Schema extends z.ZodType>(
  definition: EventTypeDefinition<Schema>,
): EventTypeDefinition<Schema> {
  if (!TYPE_PATTERN.test(definition.type))
    throw new Error(`'${definition.type}' is not gov.<dept>.<aggregate>.<event>.v<N>`);
  const overlap = definition.publicFields.filter((field) => definition.personalFields.includes(field));
  if (overlap.length > 0) throw new Error(`${definition.type}: fields both public and personal: ${overlap.join(', ')}`);
  return definition;
}

/** A `*` at the end of a pattern matches any suffix: `gov.land.parcel.*`. */
export function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/** Validates with a schema; the first issue becomes a SCHEMA_VIOLATION naming the field. */
function parseOrThrow(schema: z.ZodType, type: string, data: EventData): EventData {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? `data.${issue.path.map(String).join('.')}` : 'data';
    throw new ProtocolError(ProtocolErrorCode.SCHEMA_VIOLATION, `${type}: ${issue.message}`, field);
  }
  return result.data as EventData;
}

export class EventTypeRegistry {
  private readonly definitions = new Map<string, EventTypeDefinition>();

  constructor(definitions: Iterable<EventTypeDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventTypeDefinition): this {
    if (this.definitions.has(definition.type)) throw new Error(`event type ${definition.type} is registered twice`);
    this.definitions.set(definition.type, definition);
    return this;
  }

  get(type: string): EventTypeDefinition | undefined {
    return this.definitions.get(type);
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  all(): EventTypeDefinition[] {
    return [...this.definitions.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  isControl(type: string): boolean {
    return this.definitions.get(type)?.control === true;
  }

  /** Validates `data` against its type's schema. Throws ProtocolError (UNKNOWN_EVENT_TYPE, SCHEMA_VIOLATION). */
  validate(type: string, data: EventData): EventData {
    const definition = this.definitions.get(type);
    if (!definition) {
      throw new ProtocolError(
        ProtocolErrorCode.UNKNOWN_EVENT_TYPE,
        `no schema is registered for ${type}; its data is not used`,
        'type',
      );
    }
    return parseOrThrow(definition.schema, type, data);
  }

  /**
   * Validates the fields of a redacted view: those present must be valid,
   * the withheld ones may be absent. Not upcast: an upcaster may need them.
   */
  validatePartial(type: string, data: EventData): EventData {
    const definition = this.definitions.get(type);
    if (!definition) {
      throw new ProtocolError(
        ProtocolErrorCode.UNKNOWN_EVENT_TYPE,
        `no schema is registered for ${type}; its data is not used`,
        'type',
      );
    }
    const schema = definition.schema as unknown as { partial?: () => z.ZodType };
    const partial = typeof schema.partial === 'function' ? schema.partial() : definition.schema;
    return parseOrThrow(partial, type, data);
  }

  /**
   * Validates, then carries the data up through every registered upcaster
   * (v1 → v2 → …), validating each version. Returns the newest type and data.
   */
  upcast(type: string, data: EventData): { type: string; data: EventData } {
    let current = { type, data: this.validate(type, data) };
    for (let hops = 0; hops < 100; hops++) {
      const upcast = this.definitions.get(current.type)?.upcast;
      if (!upcast) return current;
      current = { type: upcast.to, data: this.validate(upcast.to, upcast.transform(current.data)) };
    }
    throw new Error(`upcasters of ${type} form a cycle`);
  }
}
