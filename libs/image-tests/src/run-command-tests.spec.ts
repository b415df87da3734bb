import { describe, expect, it, vi } from 'vitest';
import type { CommandRunner, CommandRunOutcome, CommandRunRequest } from './command-runner.port.js';
import { truncateUtf8 } from './command-runner.port.js';
import { resolveImageTests, type ImageTestSpec } from './image-tests.schema.js';
import { summarize } from './results.js';
import { runCommandTests } from './run-command-tests.js';
import { runImageTests } from './run-image-tests.js';

const IMAGE = `registry.example.com/acme/api@sha256:${'a'.repeat(64)}`;

function spec(commands: unknown): ImageTestSpec {
  const resolved = resolveImageTests({ commands });
  if (!resolved.ok || !resolved.spec) throw new Error(resolved.ok ? 'no spec' : resolved.problems.join('\n'));
  return resolved.spec;
}

function runner(outcome: (request: CommandRunRequest) => CommandRunOutcome): CommandRunner & { requests: CommandRunRequest[] } {
  const requests: CommandRunRequest[] = [];
  return {
    requests,
    run: (request) => {
      requests.push(request);
      return Promise.resolve(outcome(request));
    },
  };
}

const done = (exitCode: number, stdout = '', stderr = ''): CommandRunOutcome => ({ exitCode, stdout, stderr, timedOut: false });

describe('runCommandTests', () => {
  it('passes a command whose exit code and output are as expected, and hands the runner the request', async () => {
    const sut = runner(() => done(0, 'api v1.4.2\n'));
    const results = await runCommandTests(sut, IMAGE, spec([{ id: 'version', argv: ['/app/server', '--version'], stdout: { match: ['^api v\\d'] }, user: '1000', timeout: '5s' }]));
    expect(results).toEqual([{ id: 'command.version', kind: 'command', status: 'passed' }]);
    expect(sut.requests).toEqual([{ image: IMAGE, argv: ['/app/server', '--version'], timeoutMs: 5000, user: '1000' }]);
  });

  it('uses a 30 s timeout by default and passes runAsRoot only when asked', async () => {
    const sut = runner(() => done(0));
    await runCommandTests(sut, IMAGE, spec([{ id: 'a', argv: ['true'] }, { id: 'b', argv: ['true'], runAsRoot: true }]));
    expect(sut.requests.map((r) => [r.timeoutMs, r.runAsRoot])).toEqual([
      [30_000, undefined],
      [30_000, true],
    ]);
  });

  it('fails on a wrong exit code, a missing or a forbidden output, without quoting the output', async () => {
    const sut = runner(() => done(1, 'password=hunter2\n', 'panic: boom\n'));
    const [result] = await runCommandTests(sut, IMAGE, spec([{ id: 'x', argv: ['x'], stdout: { match: ['^ok'], notMatch: ['password='] }, stderr: { notMatch: ['panic'] } }]));
    expect(result).toEqual({
      id: 'command.x',
      kind: 'command',
      status: 'failed',
      reason: 'exit code 1, expected 0; stdout does not match /^ok/; stdout matches /password=/; stderr matches /panic/',
    });
    expect(result?.reason).not.toContain('hunter2');
  });

  it('fails a command that timed out whatever its exit code', async () => {
    const [result] = await runCommandTests(runner(() => ({ exitCode: 0, stdout: '', stderr: '', timedOut: true })), IMAGE, spec([{ id: 'hang', argv: ['sleep', '600'], timeout: 2 }]));
    expect(result).toMatchObject({ status: 'failed', reason: 'timed out after 2s' });
  });

  it('reports not-run, never passed, without a runner, when the runner cannot run it, or when it throws', async () => {
    const commands = spec([{ id: 'a', argv: ['true'] }]);
    expect(await runCommandTests(undefined, IMAGE, commands)).toEqual([{ id: 'command.a', kind: 'command', status: 'not-run', reason: 'no command runner is configured' }]);
    expect(await runCommandTests(runner(() => ({ notRun: 'engine unreachable' })), IMAGE, commands)).toEqual([{ id: 'command.a', kind: 'command', status: 'not-run', reason: 'engine unreachable' }]);
    const throwing: CommandRunner = { run: vi.fn(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }))) };
    expect(await runCommandTests(throwing, IMAGE, commands)).toEqual([{ id: 'command.a', kind: 'command', status: 'not-run', reason: 'runner error ECONNREFUSED' }]);
  });

  it('does not judge output patterns on output the runner could not read, but still judges the exit code', async () => {
    const unreadable = (exitCode: number) => runner(() => ({ ...done(exitCode), outputUnavailable: 'the node serves no logs' }));
    const commands = spec([{ id: 'v', argv: ['x'], stdout: { match: ['^v1'] } }]);
    expect(await runCommandTests(unreadable(0), IMAGE, commands)).toEqual([{ id: 'command.v', kind: 'command', status: 'not-run', reason: 'output not available: the node serves no logs' }]);
    expect(await runCommandTests(unreadable(2), IMAGE, commands)).toEqual([{ id: 'command.v', kind: 'command', status: 'failed', reason: 'exit code 2, expected 0' }]);
  });

  it('refuses to run on an image that is not pinned by digest', async () => {
    const sut = runner(() => done(0));
    const [result] = await runCommandTests(sut, 'registry.example.com/acme/api:latest', spec([{ id: 'a', argv: ['true'] }]));
    expect(result?.status).toBe('not-run');
    expect(sut.requests).toEqual([]);
  });
});

describe('summarize', () => {
  it('fails on any failure, is incomplete when something did not run, passes otherwise', () => {
    const r = (status: 'passed' | 'failed' | 'not-run') => ({ id: status, kind: 'command' as const, status });
    expect(summarize([r('passed'), r('not-run'), r('failed')]).verdict).toBe('failed');
    expect(summarize([r('passed'), r('not-run')])).toEqual({ verdict: 'incomplete', passed: 1, failed: 0, notRun: 1 });
    expect(summarize([r('passed')]).verdict).toBe('passed');
  });
});

describe('runImageTests', () => {
  it('is incomplete, not passed, when command tests have no runner and the rest passes', async () => {
    const resolved = resolveImageTests({ metadata: { nonRoot: true, noSecretEnv: false }, commands: [{ id: 'smoke', argv: ['/app/server', '--check'] }] });
    if (!resolved.ok || !resolved.spec) throw new Error('invalid');
    const report = await runImageTests({ image: IMAGE, config: { config: { User: '1000' } } }, resolved.spec);
    expect(report).toMatchObject({ verdict: 'incomplete', passed: 1, notRun: 1, failed: 0 });
  });
});

describe('truncateUtf8', () => {
  it('cuts at a byte bound without splitting a character', () => {
    expect(truncateUtf8('ab€cd', 4)).toEqual({ text: 'ab', truncated: true });
    expect(truncateUtf8('abc', 4)).toEqual({ text: 'abc', truncated: false });
  });
});
