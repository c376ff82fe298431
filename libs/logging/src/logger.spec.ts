import { Writable } from 'node:stream';

import { PinoNestLogger, createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('writes one JSON object a line with service, level name and ISO time', () => {
    const { lines, stream } = capture();
    const sut = createLogger('land-registry', {}, stream);
    sut.info({ seq: '7' }, 'appended');
    expect(lines[0]).toMatchObject({ service: 'land-registry', level: 'info', seq: '7', msg: 'appended' });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('maps Nest messages with their context and error stacks', () => {
    const { lines, stream } = capture();
    const sut = new PinoNestLogger(createLogger('notary', {}, stream));
    sut.log('Nest application successfully started', 'NestApplication');
    sut.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({
      level: 'info',
      context: 'NestApplication',
      msg: 'Nest application successfully started',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      context: 'ExceptionsHandler',
      stack: 'Error: boom\n    at x',
      msg: 'boom',
    });
  });

  it('lists routes and modules at debug: a healthy start at info is quiet', () => {
    const { lines, stream } = capture();
    const sut = new PinoNestLogger(createLogger('notary', { level: 'debug' }, stream));
    sut.log('Mapped {/health, GET} route', 'RouterExplorer');
    sut.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(lines.map((line) => [line.level, line.context])).toEqual([
      ['debug', 'RouterExplorer'],
      ['debug', 'InstanceLoader'],
    ]);
    const quiet = capture();
    new PinoNestLogger(createLogger('notary', {}, quiet.stream)).log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(quiet.lines).toEqual([]);
  });
});
