import { resolveImageTests, runCommandTests, summarize, type CommandCompleted, type CommandRunOutcome } from '@portcullis/image-tests';
import { buildImage, pushImage, registryHost, registryStackEnv, uniquePrefix } from '@portcullis/testing';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dockerClientFor, DockerApiCommandRunner, IMAGE_TEST_LABEL } from './docker-api.command-runner.js';

/*
 * The Docker-API runner against a real engine: Podman's Docker-compatible socket, as CI on these
 * machines has it (tools/podman/ensure-podman.sh). The image is built here from the host's static
 * busybox, pushed to the stack's plain-HTTP registry and pulled by the engine by digest.
 */

const DOCKER_HOST = process.env['DOCKER_HOST'] ?? 'unix:///run/podman-test.sock';
const BUSYBOX = '/bin/busybox';
const docker = dockerClientFor(DOCKER_HOST);
const registry = registryStackEnv();
const host = registryHost(registry.url);

let image: string;
let sut: DockerApiCommandRunner;

function completed(outcome: CommandRunOutcome): CommandCompleted {
  if ('notRun' in outcome) throw new Error(`expected the command to run, got not-run: ${outcome.notRun}`);
  return outcome;
}

async function containersOf(ref: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [IMAGE_TEST_LABEL] } });
  return list.filter((c) => c.Image === ref || c.ImageID === ref || c.Image.endsWith(ref.split('@')[1]!)).map((c) => c.Id);
}

beforeAll(async () => {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`no container engine at ${DOCKER_HOST} (${String(error)}): run \`. tools/podman/ensure-podman.sh\` (Podman, TEST-INFRA §6) or set DOCKER_HOST`);
  }
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install -y busybox-static (the test image is built from it)`);
  const applets = ['sh', 'echo', 'sleep', 'nc', 'touch', 'cat', 'grep', 'id', 'env'];
  const built = await buildImage({
    layers: [
      {
        files: {
          'bin/busybox': { content: readFileSync(BUSYBOX), mode: 0o755 },
          ...Object.fromEntries(applets.map((a) => [`bin/${a}`, { symlink: 'busybox' }])),
          tmp: { directory: true, mode: 0o1777 },
          'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n',
        },
      },
    ],
    containerConfig: { User: '1000:1000', Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
  });
  const repository = `${uniquePrefix('imgtest').slice(0, -1)}/busybox`;
  image = `${host}/${repository}@${await pushImage(registry.url, repository, 'v1', built)}`;
  sut = new DockerApiCommandRunner({
    docker,
    insecureRegistries: [host],
    pullTimeoutMs: 60_000,
    memoryBytes: 64 * 1024 * 1024,
    cpuMillis: 500,
    pidsLimit: 64,
    tmpBytes: 1024 * 1024,
  });
});

describe('DockerApiCommandRunner (Podman)', () => {
  it('runs a passing command and returns its exit code, stdout and stderr apart', async () => {
    const outcome = completed(await sut.run({ image, argv: ['/bin/sh', '-c', 'echo hello; echo warning >&2'], timeoutMs: 30_000 }));
    expect(outcome).toMatchObject({ exitCode: 0, stdout: 'hello\n', stderr: 'warning\n', timedOut: false });
    expect(await containersOf(image)).toEqual([]);
  });

  it('returns the exit code of a failing command', async () => {
    const outcome = completed(await sut.run({ image, argv: ['/bin/sh', '-c', 'echo broken >&2; exit 3'], timeoutMs: 30_000 }));
    expect(outcome).toMatchObject({ exitCode: 3, stderr: 'broken\n', timedOut: false });
  });

  it('kills a command hanging past its timeout and removes the container', async () => {
    const outcome = completed(await sut.run({ image, argv: ['/bin/sleep', '600'], timeoutMs: 2_000 }));
    expect(outcome.timedOut).toBe(true);
    expect(await containersOf(image)).toEqual([]);
  });

  it('gives the command no network at all: only a loopback interface, and no route out', async () => {
    const interfaces = completed(await sut.run({ image, argv: ['/bin/cat', '/proc/net/dev'], timeoutMs: 30_000 }));
    const names = interfaces.stdout.split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter(Boolean);
    expect(names).toEqual(['lo']);
    // (busybox's nc, not its wget: Debian's static wget crashes before it connects.)
    const connect = completed(await sut.run({ image, argv: ['/bin/nc', '-w', '3', '1.1.1.1', '80'], timeoutMs: 30_000 }));
    expect(connect.exitCode).not.toBe(0);
    expect(connect.stderr).toMatch(/Network is unreachable/);
  });

  it('runs unprivileged: no capabilities, read-only root, writable noexec /tmp, none of our environment', async () => {
    const script = [
      'grep CapEff /proc/self/status',
      'touch /app-file 2>/dev/null && echo rootfs-writable || echo rootfs-read-only',
      'touch /tmp/ok && echo tmp-writable',
      'id -u',
      'env',
    ].join('; ');
    const outcome = completed(await sut.run({ image, argv: ['/bin/sh', '-c', script], timeoutMs: 30_000 }));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/^CapEff:\s+0000000000000000$/m);
    expect(outcome.stdout).toContain('rootfs-read-only\n');
    expect(outcome.stdout).toContain('tmp-writable\n');
    expect(outcome.stdout).toMatch(/^1000$/m);
    expect(outcome.stdout).not.toContain(registry.password);
    expect(outcome.stdout).not.toMatch(/REGISTRY_|KAFKA_|REDIS_|KUBECONFIG/);
  });

  it('refuses to run as root unless the test allows it', async () => {
    expect(await sut.run({ image, argv: ['/bin/id', '-u'], timeoutMs: 30_000, user: '0' })).toEqual({ notRun: expect.stringMatching(/root/) });
    const asRoot = completed(await sut.run({ image, argv: ['/bin/id', '-u'], timeoutMs: 30_000, user: '0', runAsRoot: true }));
    expect(asRoot.stdout).toBe('0\n');
  });

  it('reports a missing program as exit code 127 and an unpullable image as not run', async () => {
    const missing = completed(await sut.run({ image, argv: ['/bin/no-such-program'], timeoutMs: 30_000 }));
    expect(missing.exitCode).toBe(127);
    const unknown = image.replace(/@sha256:.*/, `@sha256:${'0'.repeat(64)}`);
    expect(await sut.run({ image: unknown, argv: ['/bin/true'], timeoutMs: 30_000 })).toEqual({ notRun: expect.stringMatching(/could not be pulled/) });
  });

  it('judges command tests from .portcullis.yaml end to end: a hang and a wrong output fail the gate', async () => {
    const resolved = resolveImageTests({
      commands: [
        { id: 'hello', argv: ['/bin/echo', 'hello'], stdout: { match: ['^hello$'] } },
        { id: 'exit-code', argv: ['/bin/sh', '-c', 'exit 2'], exitCode: 2 },
        { id: 'hangs', argv: ['/bin/sleep', '600'], timeout: '2s' },
        { id: 'wrong-output', argv: ['/bin/echo', 'goodbye'], stdout: { match: ['hello'] } },
      ],
    });
    if (!resolved.ok || !resolved.spec) throw new Error('invalid spec');
    const results = await runCommandTests(sut, image, resolved.spec);
    expect(results.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['command.hello', 'passed', undefined],
      ['command.exit-code', 'passed', undefined],
      ['command.hangs', 'failed', 'timed out after 2s'],
      ['command.wrong-output', 'failed', 'stdout does not match /hello/'],
    ]);
    expect(summarize(results).verdict).toBe('failed');
  });
});
