import type { EventTypeRegistry } from '../event-types/event-type-registry.js';
import { z } from 'zod';
import { ledgerTopicOf } from '../kafka/kafka-codec.js';

const envelopeProperties = {
  specversion: { type: 'string', const: '1.0' },
  id: { type: 'string', format: 'uuid' },
  source: { type: 'string', pattern: '^urn:gov:[a-z][a-z0-9-]*$' },
  type: { type: 'string', pattern: '^gov\\.[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*\\.[a-z][a-z0-9-]*\\.v[1-9][0-9]*$' },
  time: { type: 'string', format: 'date-time' },
  datacontenttype: { type: 'string', const: 'application/json' },
  subject: { type: 'string', description: 'The aggregate id; also the Kafka key.' },
  chain: { type: 'string', description: '<dept> or <dept>/<shard>' },
  seq: { type: 'string', pattern: '^[1-9][0-9]*$', description: 'Position in the chain, decimal string.' },
  prevhash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  datadigest: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256(JCS({field: commitment})).' },
  actor: { type: 'string', description: 'Operator id, or reaction:<cause event id>.' },
  hash: {
    type: 'string',
    pattern: '^[0-9a-f]{64}$',
    description: 'SHA-256(JCS(envelope without data, hash, sig, keyid)).',
  },
  sig: { type: 'string', description: 'Ed25519 over "registry-bus/entry/v1\\n" ‖ hash bytes, base64.' },
  keyid: { type: 'string', description: 'Key id in the trust bundle.' },
};

/**
 * The AsyncAPI 3.0 description of every topic kind, with one message per
 * registered event type (its data schema from zod's JSON Schema output).
 */
export function asyncApiDocument(registry: EventTypeRegistry, departments: readonly string[]): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const definition of registry.all()) {
    const name = definition.type.replace(/\./g, '_');
    messages[name] = {
      name: definition.type,
      title: definition.type,
      summary: definition.description ?? definition.type,
      contentType: 'application/cloudevents+json; charset=UTF-8',
      payload: {
        type: 'object',
        required: Object.keys(envelopeProperties),
        additionalProperties: false,
        properties: {
          ...envelopeProperties,
          type: { type: 'string', const: definition.type },
          data: {
            type: 'object',
            description: `Disclosure object: fields (with salts) of ${definition.type}; public fields: ${definition.publicFields.join(', ') || 'none'}; personal fields: ${definition.personalFields.join(', ') || 'none'}.`,
            properties: {
              fields: z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }),
              salts: { type: 'object', additionalProperties: { type: 'string' } },
              withheld: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
            },
          },
        },
      },
    };
  }
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const dept of departments) {
    const own = Object.keys(messages).filter((name) => name.startsWith(`gov_${dept}_`));
    const refs = Object.fromEntries(own.map((name) => [name, { $ref: `#/components/messages/${name}` }]));
    channels[`${dept}Ledger`] = {
      address: ledgerTopicOf(dept),
      title: `The ${dept} department's ledger`,
      description: 'Every entry of the chain, in seq order; one partition per chain (shard). Kept forever.',
      messages: refs,
    };
    channels[`${dept}Quarantine`] = {
      address: `gov.${dept}.quarantine`,
      description: `What ${dept}'s consumers refused, with the reason (code and text).`,
      messages: { quarantined: { $ref: '#/components/messages/quarantined' } },
    };
    channels[`${dept}Requests`] = {
      address: `gov.${dept}.requests`,
      description: `Cross-department queries to ${dept}, answered within the grants.`,
      messages: { query: { $ref: '#/components/messages/query' } },
    };
    channels[`${dept}Replies`] = {
      address: `gov.${dept}.replies`,
      description: `Answers of ${dept} to queries, by correlation id.`,
      messages: { reply: { $ref: '#/components/messages/reply' } },
    };
    if (own.length > 0) {
      operations[`publish${dept[0]!.toUpperCase()}${dept.slice(1)}Ledger`] = {
        action: 'send',
        channel: { $ref: `#/channels/${dept}Ledger` },
        summary: `The ${dept} relay publishes committed entries in seq order (idempotent producer, acks=all).`,
      };
    }
  }
  const generic = (description: string) => ({ payload: { type: 'object', description } });
  messages.quarantined = generic('{ topic, partition, offset, chain?, seq?, eventId?, code, reason, alarm }');
  messages.query = generic('{ correlationId, from, kind, parameters }');
  messages.reply = generic('{ correlationId, status, data?, reason? }');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Registry Bus',
      version: '1.0.0',
      description: 'Tamper-evident department ledgers exchanged as signed CloudEvents (docs/PROTOCOL.md).',
    },
    defaultContentType: 'application/cloudevents+json; charset=UTF-8',
    channels,
    operations,
    components: { messages },
  };
}
