import { mayReadMirror } from './mirror-access.js';

describe('who gets a mirror of a chain', () => {
  it('gives a chain back to its owner', () => {
    expect(mayReadMirror('land', 'land')).toBe(true);
  });

  it('refuses another department a chain that is not its own', () => {
    expect(mayReadMirror('credit', 'land')).toBe(false);
    expect(mayReadMirror('credit', undefined)).toBe(false);
  });

  it('gives the notary’s anchors to any department', () => {
    expect(mayReadMirror('land', 'notary')).toBe(true);
  });
});
