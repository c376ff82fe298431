// Jest loads globalSetup outside its own module system, where `require` of our
// ESM TypeScript cannot resolve './x.js' to './x.ts'. So this plain file
// registers the project's TypeScript loader and imports the real setup.
import { register } from 'node:module';

register('../../../scripts/ts-loader/hooks.js', import.meta.url);

export default async function globalSetup() {
  const { default: setup } = await import('../src/jest/global-setup.ts');
  await setup();
}
