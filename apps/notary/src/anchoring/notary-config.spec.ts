import { ConfigError } from '@registry-bus/config';

import { loadNotaryConfig } from './notary-config.js';

describe('CHECKPOINT_ORIGIN_PREFIX', () => {
  it('defaults to registry-bus.localhost, and takes a deployment’s own name', () => {
    expect(loadNotaryConfig({}).CHECKPOINT_ORIGIN_PREFIX).toBe('registry-bus.localhost');
    expect(loadNotaryConfig({ CHECKPOINT_ORIGIN_PREFIX: 'registry-bus.example.gov' }).CHECKPOINT_ORIGIN_PREFIX).toBe(
      'registry-bus.example.gov',
    );
  });

  it('refuses a prefix a checkpoint could share with the protocol’s signature domains', () => {
    const sut = () => loadNotaryConfig({ CHECKPOINT_ORIGIN_PREFIX: 'registry-bus/entry' });
    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(
      '  - CHECKPOINT_ORIGIN_PREFIX: must not begin with registry-bus/ or cosignature (signature domains of the protocol and of C2SP)',
    );
    // A cosignature's message begins `cosignature/v1`: no origin may.
    expect(() => loadNotaryConfig({ CHECKPOINT_ORIGIN_PREFIX: 'cosignature/v1' })).toThrow(
      'CHECKPOINT_ORIGIN_PREFIX: must not begin with registry-bus/ or cosignature',
    );
  });

  it('refuses a name with a space or a plus (it becomes the note’s origin line)', () => {
    expect(() => loadNotaryConfig({ CHECKPOINT_ORIGIN_PREFIX: 'a b' })).toThrow(
      '  - CHECKPOINT_ORIGIN_PREFIX: must be a domain-like name, e.g. registry-bus.example.gov',
    );
  });
});
