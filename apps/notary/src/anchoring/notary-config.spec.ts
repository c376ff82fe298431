import { ConfigError } from '@registry-bus/config';

import { loadNotaryConfig } from './notary-config.js';

describe('NOTARY_CHECKPOINT_ORIGIN_PREFIX', () => {
  it('defaults to registry-bus.localhost, and takes a deployment’s own name', () => {
    expect(loadNotaryConfig({}).NOTARY_CHECKPOINT_ORIGIN_PREFIX).toBe('registry-bus.localhost');
    expect(
      loadNotaryConfig({ NOTARY_CHECKPOINT_ORIGIN_PREFIX: 'registry-bus.example.gov' }).NOTARY_CHECKPOINT_ORIGIN_PREFIX,
    ).toBe('registry-bus.example.gov');
  });

  it('refuses a prefix a checkpoint could share with the protocol’s signature domains', () => {
    const sut = () => loadNotaryConfig({ NOTARY_CHECKPOINT_ORIGIN_PREFIX: 'registry-bus/entry' });
    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(
      '  - NOTARY_CHECKPOINT_ORIGIN_PREFIX: must not begin with registry-bus/ (the protocol’s signature domains)',
    );
  });

  it('refuses a name with a space or a plus (it becomes the note’s origin line)', () => {
    expect(() => loadNotaryConfig({ NOTARY_CHECKPOINT_ORIGIN_PREFIX: 'a b' })).toThrow(
      '  - NOTARY_CHECKPOINT_ORIGIN_PREFIX: must be a domain-like name, e.g. registry-bus.example.gov',
    );
  });
});
