import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Parser } from '@asyncapi/parser';
import { stringify } from 'yaml';

import { asyncApiYaml } from './node/asyncapi-yaml.js';

const committed = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'asyncapi.yaml');

describe('docs/asyncapi.yaml', () => {
  it('is what the registry generates (run `npm run asyncapi` after changing event types)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(asyncApiYaml(stringify));
  });

  it('is a valid AsyncAPI 3.0 document for the official parser', async () => {
    const sut = await new Parser().parse(readFileSync(committed, 'utf8'));
    const errors = sut.diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    expect(sut.document?.channels().get('landLedger')?.address()).toBe('gov.land.ledger.v2');
  });
});
