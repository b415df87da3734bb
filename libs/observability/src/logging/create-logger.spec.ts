import { describe, expect, it } from 'vitest';
import { captureDestination } from '../../test/capture-destination.js';
import { newTraceContext } from '../trace/trace-context.js';
import { runWithTrace } from '../trace/trace-storage.js';
import { createLogger } from './create-logger.js';

function setup(sensitiveValues: string[] = [], level = 'info') {
  const destination = captureDestination();
  const sut = createLogger({ service: 'image-scanner', instanceId: 'scanner-0', level, sensitiveValues, destination });
  return { sut, destination };
}

describe('createLogger', () => {
  it('writes one JSON line with time, level label, service, instance and message', () => {
    const { sut, destination } = setup();
    sut.info({ digest: 'sha256:abc' }, 'scan started');
    expect(destination.lines).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        level: 'info',
        service: 'image-scanner',
        instance: 'scanner-0',
        digest: 'sha256:abc',
        msg: 'scan started',
      },
    ]);
  });

  it('honours the level', () => {
    const { sut, destination } = setup([], 'warn');
    sut.info('hidden');
    sut.warn('shown');
    expect(destination.lines.map((line) => line['msg'])).toEqual(['shown']);
  });

  it('removes a configured secret from a field nested deeper than any redact path', () => {
    const { sut, destination } = setup(['tok-9f8e7d']);
    sut.info({ request: { options: { auth: { value: 'tok-9f8e7d' } } }, list: ['x tok-9f8e7d'] }, 'calling registry');
    expect(destination.raw.join('')).not.toContain('tok-9f8e7d');
    expect(destination.lines[0]).toMatchObject({ request: { options: { auth: { value: '***' } } }, list: ['x ***'] });
  });

  it('removes a configured secret from an error message and stack, and from the log message', () => {
    const { sut, destination } = setup(['hunter2"quoted\\']);
    const err = new Error('login as admin/hunter2"quoted\\ refused');
    sut.error({ err }, 'cannot log in with hunter2"quoted\\');
    const [line] = destination.lines;
    expect(destination.raw.join('')).not.toContain('hunter2');
    expect(line).toMatchObject({ msg: 'cannot log in with ***', err: { type: 'Error', message: 'login as admin/*** refused' } });
    expect((line?.['err'] as { stack: string }).stack).toContain('login as admin/*** refused');
  });

  it('masks credentials in URLs even when no secret was configured', () => {
    const { sut, destination } = setup();
    sut.warn({ target: 'rediss://app:pw-unknown-to-config@cache:6380' }, 'lost https://bot:tok123@git.example.com');
    expect(destination.lines[0]).toMatchObject({ target: 'rediss://app:***@cache:6380', msg: 'lost https://bot:***@git.example.com' });
  });

  it('redacts known secret fields and headers', () => {
    const { sut, destination } = setup();
    sut.info({
      password: 'p1',
      sasl: { password: 'p2', username: 'svc' },
      req: { headers: { authorization: 'Bearer abcdefgh', cookie: 'sid=1', 'set-cookie': 'sid=2', accept: 'json' } },
    });
    expect(destination.lines[0]).toMatchObject({
      password: '***',
      sasl: { password: '***', username: 'svc' },
      req: { headers: { authorization: '***', cookie: '***', 'set-cookie': '***', accept: 'json' } },
    });
  });

  it('adds trace_id and span_id inside a traced context only, also for child loggers', async () => {
    const { sut, destination } = setup(['s3cret-value']);
    const trace = newTraceContext();
    await runWithTrace(trace, async () => {
      await Promise.resolve();
      sut.child({ component: 'consumer' }).info('handling s3cret-value');
    });
    sut.info('idle');
    expect(destination.lines[0]).toMatchObject({
      component: 'consumer',
      trace_id: trace.traceId,
      span_id: trace.spanId,
      msg: 'handling ***',
    });
    expect(destination.lines[1]).not.toHaveProperty('trace_id');
  });
});
