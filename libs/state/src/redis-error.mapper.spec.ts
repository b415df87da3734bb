import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scrubSecrets, toStateError } from './redis-error.mapper.js';
import { StateError } from './state.error.js';

const password = 'hunter2-S3cret';
const url = `redis://svc:${encodeURIComponent(password)}@redis.internal:6379/0`;
const context = { operation: 'test.op', secrets: [url, password], closedByUs: false };

function replyError(message: string, args: string[] = []): Error {
  // Shaped like ioredis' ReplyError: the failed command and its arguments ride along.
  return Object.assign(new Error(message), { name: 'ReplyError', command: { name: 'hello', args } });
}

describe('scrubSecrets', () => {
  it('removes the password, the whole URL and any other credentialed redis URL', () => {
    const sut = scrubSecrets(
      `failed ${url} then pw=${password}; also rediss://other:pw@elsewhere:6380 tried`,
      [url, password],
    );
    expect(sut).not.toContain(password);
    expect(sut).not.toContain('svc:');
    expect(sut).not.toContain('other:pw');
    expect(sut).toContain('rediss://***@elsewhere:6380');
  });
});

describe('toStateError', () => {
  it.each([
    ['Command timed out', 'STATE_TIMEOUT'],
    ["Stream isn't writeable and enableOfflineQueue options is false", 'STATE_UNAVAILABLE'],
    ['Connection is closed.', 'STATE_UNAVAILABLE'],
    ['Socket timeout. Expecting data, but didn\'t receive any in 2000ms.', 'STATE_UNAVAILABLE'],
  ])('maps ioredis "%s" to retryable %s', (message, code) => {
    const sut = toStateError(new Error(message), context);
    expect(sut).toBeInstanceOf(StateError);
    expect(sut.code).toBe(code);
    expect(sut.disposition).toBe('retry');
  });

  it('maps network errno codes and exhausted retries to STATE_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const exhausted = Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' });
    expect(toStateError(refused, context).code).toBe('STATE_UNAVAILABLE');
    expect(toStateError(exhausted, context).code).toBe('STATE_UNAVAILABLE');
  });

  it('reports a connection closed by close() as STATE_CLOSED', () => {
    expect(toStateError(new Error('Connection is closed.'), { ...context, closedByUs: true }).code).toBe('STATE_CLOSED');
  });

  it('treats server states as transient and request errors as permanent', () => {
    expect(toStateError(replyError('LOADING Redis is loading the dataset in memory'), context).disposition).toBe('retry');
    expect(toStateError(replyError('READONLY You can\'t write against a read only replica.'), context).code).toBe('STATE_UNAVAILABLE');
    const wrongType = toStateError(replyError('WRONGTYPE Operation against a key holding the wrong kind of value'), context);
    expect(wrongType.code).toBe('STATE_COMMAND_FAILED');
    expect(wrongType.disposition).toBe('permanent');
  });

  it('flags rejected credentials as STATE_AUTH_FAILED without carrying the password anywhere', () => {
    const original = replyError(`WRONGPASS invalid username-password pair (${url})`, ['3', 'AUTH', 'svc', password]);
    const sut = toStateError(original, context);
    expect(sut.code).toBe('STATE_AUTH_FAILED');
    expect(sut.message).toContain('WRONGPASS');
    // The whole error graph as a logger would serialise it: message, stack, cause, extra fields.
    const everything = `${inspect(sut, { depth: 10, showHidden: true })} ${JSON.stringify(sut)} ${sut.stack ?? ''}`;
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));
    expect(sut.cause).not.toBe(original);
  });

  it('names the operation and keeps the message to one bounded line', () => {
    const sut = toStateError(new Error(`boom\n${'x'.repeat(2_000)}`), context);
    expect(sut.message).toMatch(/^redis test\.op failed \(STATE_COMMAND_FAILED\): boom x/);
    expect(sut.message).not.toContain('\n');
    expect(sut.message.length).toBeLessThan(400);
  });

  it('passes a StateError through unchanged', () => {
    const original = new StateError({ code: 'LOCK_LOST', disposition: 'retry', message: 'gone' });
    expect(toStateError(original, context)).toBe(original);
  });
});
