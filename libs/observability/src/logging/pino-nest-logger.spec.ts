import { describe, expect, it } from 'vitest';
import { captureDestination } from '../../test/capture-destination.js';
import { createLogger } from './create-logger.js';
import { PinoNestLogger } from './pino-nest-logger.js';

function setup(level = 'trace') {
  const destination = captureDestination();
  const sut = new PinoNestLogger(createLogger({ service: 'notifier', instanceId: 'n-1', level, destination }));
  return { sut, lines: destination.lines };
}

describe('PinoNestLogger', () => {
  it('maps Nest levels to pino levels and the trailing string to context', () => {
    const { sut, lines } = setup();
    sut.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    sut.warn('slow', 'Scheduler');
    sut.debug?.('details');
    sut.verbose?.('chatty', 'Injector');
    sut.fatal?.('dying', 'Main');
    expect(lines.map((line) => [line['level'], line['msg'], line['context']])).toEqual([
      ['info', 'Mapped {/healthz, GET} route', 'RouterExplorer'],
      ['warn', 'slow', 'Scheduler'],
      ['debug', 'details', undefined],
      ['trace', 'chatty', 'Injector'],
      ['fatal', 'dying', 'Main'],
    ]);
  });

  it('tells a stack from a context in error(message, stack?, context?)', () => {
    const { sut, lines } = setup();
    const stack = new Error('boom').stack ?? '';
    sut.error('handler failed', stack, 'ExceptionsHandler');
    sut.error('no stack', undefined, 'ExceptionsHandler');
    sut.error('static call', stack);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'handler failed', stack, context: 'ExceptionsHandler' });
    expect(lines[1]).toMatchObject({ msg: 'no stack', context: 'ExceptionsHandler' });
    expect(lines[1]).not.toHaveProperty('stack');
    expect(lines[2]).toMatchObject({ msg: 'static call', stack });
    expect(lines[2]).not.toHaveProperty('context');
  });

  it('serializes Error messages and merges object messages', () => {
    const { sut, lines } = setup();
    sut.error(new TypeError('bad input'), 'Pipe');
    sut.log({ event: 'ready', port: 8080 }, 'Main');
    expect(lines[0]).toMatchObject({ msg: 'bad input', context: 'Pipe', err: { type: 'TypeError', message: 'bad input' } });
    expect(lines[1]).toMatchObject({ event: 'ready', port: 8080, context: 'Main' });
  });

  it('drops what the pino level filters out', () => {
    const { sut, lines } = setup('warn');
    sut.log('bootstrap noise', 'NestFactory');
    sut.error('kept', undefined, 'X');
    expect(lines.map((line) => line['msg'])).toEqual(['kept']);
  });
});
