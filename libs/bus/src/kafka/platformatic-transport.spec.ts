import { MultipleErrors, ProtocolError } from '@platformatic/kafka';

import { markRetriable } from './platformatic-admin.js';

describe("markRetriable (the port's retriable mark on @platformatic/kafka errors)", () => {
  it('marks an error the client would retry (a leader not yet elected)', () => {
    const sut = markRetriable(new ProtocolError('LEADER_NOT_AVAILABLE')) as { retriable?: boolean };
    expect(sut.retriable).toBe(true);
  });

  it('marks a MultipleErrors holding one the client would retry', () => {
    const sut = markRetriable(new MultipleErrors('some failed', [new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION')])) as {
      retriable?: boolean;
    };
    expect(sut.retriable).toBe(true);
  });

  it('leaves a refusal unmarked (not authorized is final)', () => {
    const sut = markRetriable(new ProtocolError('TOPIC_AUTHORIZATION_FAILED')) as { retriable?: boolean };
    expect(sut.retriable).toBeUndefined();
  });
});
