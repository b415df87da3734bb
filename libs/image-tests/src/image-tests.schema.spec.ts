import { describe, expect, it } from 'vitest';
import { resolveImageTests, type ImageTestSpec } from './image-tests.schema.js';

/** The section as a repository would write it in `.portcullis.yaml` (already parsed from YAML). */
const EXAMPLE = {
  metadata: {
    nonRoot: true,
    entrypoint: ['/app/server'],
    cmd: [],
    workingDir: '/app',
    exposedPorts: [8080, '9090/udp'],
    requiredLabels: ['org.opencontainers.image.source', 'org.opencontainers.image.revision'],
    labels: { 'org.opencontainers.image.source': '^https://git\\.example\\.com/' },
    allowEnv: ['PUBLIC_TOKEN_URL'],
    os: 'linux',
    architecture: ['amd64', 'arm64'],
  },
  content: {
    forbid: ['shells', 'package-managers', 'git', 'private-keys', 'dotenv'],
    mustExist: ['/app/server', '/etc/ssl/certs/*.pem'],
    mustNotExist: ['**/*.log'],
    maxReadBytes: 4096,
    files: [{ id: 'server', path: '/app/server', type: 'file', maxMode: '0755', uid: 1000, notContains: ['BEGIN [A-Z ]*PRIVATE KEY'] }],
  },
  commands: [
    { id: 'version', argv: ['/app/server', '--version'], stdout: { match: ['^v\\d+'] } },
    { id: 'refuses-bad-flag', argv: ['/app/server', '--nope'], exitCode: 2, stderr: { match: ['unknown flag'], notMatch: ['panic'] }, timeout: '2m', user: '1000:1000' },
  ],
};

function spec(section: unknown): ImageTestSpec {
  const resolved = resolveImageTests(section);
  if (!resolved.ok) throw new Error(resolved.problems.join('\n'));
  if (!resolved.spec) throw new Error('no spec');
  return resolved.spec;
}

describe('resolveImageTests', () => {
  it('reads a full section: ports normalised, timeouts in ms, patterns and globs compiled', () => {
    const sut = spec(EXAMPLE);
    expect(sut.metadata?.exposedPorts).toEqual(['8080/tcp', '9090/udp']);
    expect(sut.metadata?.labels?.['org.opencontainers.image.source']?.test('https://git.example.com/acme/api')).toBe(true);
    expect(sut.content?.mustExist?.[1]?.matches('etc/ssl/certs/ca.pem')).toBe(true);
    expect(sut.content?.files?.[0]?.maxMode).toBe(0o755);
    expect(sut.commands.map((c) => [c.id, c.timeout])).toEqual([
      ['version', undefined],
      ['refuses-bad-flag', 120_000],
    ]);
    expect(sut.commands[0]?.stdout?.match?.[0]?.test('v1.4.2')).toBe(true);
  });

  it('yields no spec when the section is absent', () => {
    expect(resolveImageTests(undefined)).toEqual({ ok: true, spec: undefined });
    expect(resolveImageTests(null)).toEqual({ ok: true, spec: undefined });
  });

  it('names every problem with its path', () => {
    const resolved = resolveImageTests({
      metadata: { nonroot: true },
      content: { mustNotExist: ['../etc/shadow'], forbid: ['compilers'] },
      commands: [
        { id: 'a', argv: ['x'], timeout: '301s' },
        { id: 'b', argv: ['y'], stdout: { match: ['(?=lookahead)'] } },
        { id: 'Bad Id', argv: [] },
      ],
    });
    expect(resolved.ok).toBe(false);
    const problems = resolved.ok ? [] : resolved.problems;
    const has = (prefix: string, text: RegExp) => expect(problems.some((p) => p.startsWith(prefix) && text.test(p)), `${prefix} in\n${problems.join('\n')}`).toBe(true);
    has('imageTests.metadata', /nonroot/);
    has('imageTests.content.mustNotExist[0]', /\.\./);
    has('imageTests.content.forbid[0]', /.+/);
    has('imageTests.commands[0].timeout', /300s/);
    has('imageTests.commands[1].stdout.match[0]', /RE2/);
    has('imageTests.commands[2].id', /id/);
    has('imageTests.commands[2].argv', /.+/);
  });

  it('refuses duplicate ids, which would make two results indistinguishable', () => {
    const resolved = resolveImageTests({ commands: [{ id: 'same', argv: ['a'] }, { id: 'same', argv: ['b'] }] });
    expect(resolved).toEqual({ ok: false, problems: ['imageTests.commands[1].id: duplicate id same'] });
  });

  it('bounds lists and strings', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: `c${i}`, argv: ['true'] }));
    expect(resolveImageTests({ commands: many }).ok).toBe(false);
    expect(resolveImageTests({ commands: [{ id: 'x', argv: ['a'], stdout: { match: ['a'.repeat(513)] } }] }).ok).toBe(false);
    expect(resolveImageTests({ content: { maxReadBytes: 17 * 1024 * 1024 } }).ok).toBe(false);
  });

  it('accepts a timeout in seconds as a number and refuses zero', () => {
    expect(spec({ commands: [{ id: 't', argv: ['x'], timeout: 1.5 }] }).commands[0]?.timeout).toBe(1500);
    expect(resolveImageTests({ commands: [{ id: 't', argv: ['x'], timeout: '0s' }] }).ok).toBe(false);
  });
});
