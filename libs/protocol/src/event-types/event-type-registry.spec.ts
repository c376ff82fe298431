import { z } from 'zod';

import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { controlEventTypes } from './control-events.js';
import { EventTypeRegistry, defineEventType, typeMatches } from './event-type-registry.js';

const v1 = defineEventType({
  type: 'gov.diploma.diploma.issued.v1',
  schema: z.strictObject({ number: z.string(), holderName: z.string(), degree: z.string() }),
  publicFields: ['number', 'degree'],
  personalFields: ['holderName'],
  upcast: {
    to: 'gov.diploma.diploma.issued.v2',
    transform: ({ holderName, ...rest }) => ({ ...rest, holder: { name: holderName } }),
  },
});
const v2 = defineEventType({
  type: 'gov.diploma.diploma.issued.v2',
  schema: z.strictObject({ number: z.string(), holder: z.strictObject({ name: z.string() }), degree: z.string() }),
  publicFields: ['number', 'degree'],
  personalFields: ['holder'],
});

describe('event type registry', () => {
  const sut = new EventTypeRegistry([v1, v2, ...controlEventTypes('diploma')]);

  it('carries v1 data written years ago up to v2', () => {
    expect(sut.upcast(v1.type, { number: 'D-1', holderName: 'Ana', degree: 'MSc' })).toEqual({
      type: v2.type,
      data: { number: 'D-1', holder: { name: 'Ana' }, degree: 'MSc' },
    });
  });

  it('names the field that breaks the schema', () => {
    expect(() => sut.validate(v1.type, { number: 1, holderName: 'Ana', degree: 'MSc' })).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.SCHEMA_VIOLATION, attribute: 'data.number' }),
    );
  });

  it('refuses the data of an unknown type', () => {
    expect(() => sut.validate('gov.diploma.diploma.burned.v1', {})).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.UNKNOWN_EVENT_TYPE }),
    );
  });

  it('marks control entries', () => {
    expect(sut.isControl('gov.diploma.access.grant-issued.v1')).toBe(true);
    expect(sut.isControl(v1.type)).toBe(false);
  });

  it('refuses a field that is both public and personal, and a bad type name', () => {
    expect(() => defineEventType({ ...v2, type: 'gov.x.y.z.v1', personalFields: ['number'] })).toThrow(
      /both public and personal/,
    );
    expect(() => defineEventType({ ...v2, type: 'diploma.issued' })).toThrow(/gov\.<dept>/);
  });

  it('matches type patterns', () => {
    expect(typeMatches('gov.land.parcel.*', 'gov.land.parcel.transferred.v1')).toBe(true);
    expect(typeMatches('gov.land.parcel.*', 'gov.land.access.grant-issued.v1')).toBe(false);
  });
});
