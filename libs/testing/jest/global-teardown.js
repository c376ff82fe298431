// See global-setup.js for why this is plain JavaScript.
import { register } from 'node:module';

register('../../../scripts/ts-loader/hooks.js', import.meta.url);

export default async function globalTeardown() {
  const { default: teardown } = await import('../src/jest/global-teardown.ts');
  await teardown();
}
