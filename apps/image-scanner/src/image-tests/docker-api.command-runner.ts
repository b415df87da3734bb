import { isRootUser, MAX_OUTPUT_BYTES, type CommandRunner, type CommandRunOutcome, type CommandRunRequest } from '@portcullis/image-tests';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

/** Label on every container this runner creates, so an operator can find (and prune) strays. */
export const IMAGE_TEST_LABEL = 'portcullis.dev/image-test';

/** Registry credentials for one pull; sent in X-Registry-Auth to the engine, never into the container. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DockerApiRunnerOptions {
  /** The engine, e.g. `dockerClientFor(config.docker.host)`. */
  readonly docker: Docker;
  /** Registries (`host:port`) pulled without TLS verification (Podman `tlsVerify=false`). */
  readonly insecureRegistries?: readonly string[];
  readonly pullTimeoutMs: number;
  readonly memoryBytes: number;
  readonly cpuMillis: number;
  readonly pidsLimit: number;
  /** Size of a tmpfs on `/tmp` (noexec, nosuid); 0 = none. */
  readonly tmpBytes: number;
  /** Credentials for the image's registry, when it needs any. */
  readonly credentialsFor?: (registry: string) => RegistryCredentials | undefined;
}

/** A dockerode client for a DOCKER_HOST-style address (`unix:///…`, `tcp://host:port`, `http(s)://host:port`). */
export function dockerClientFor(host: string): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 2376 : 2375)), protocol: url.protocol === 'https:' ? 'https' : 'http' });
}

/** Anything an engine says can carry a registry URL with credentials; cut it down before it leaves. */
function scrub(text: string): string {
  return text
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const e = error as { code?: unknown; statusCode?: unknown; json?: { message?: unknown }; message?: unknown };
  if (typeof e.code === 'string') return e.code;
  const message = typeof e.json?.message === 'string' ? e.json.message : typeof e.message === 'string' ? e.message : '';
  return scrub(`${typeof e.statusCode === 'number' ? `HTTP ${e.statusCode}: ` : ''}${message}`) || 'unknown error';
}

/** Keeps the first `max` bytes written to it and discards (but drains) the rest. */
class BoundedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const room = this.max - this.size;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    if (chunk.length > room) this.truncated = true;
    done();
  }

  text(): string {
    // A character cut at the bound decodes to U+FFFD; that is fine for pattern matching.
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(() => resolve(TIMEOUT), ms)))]).finally(() => clearTimeout(timer));
};
const TIMEOUT = Symbol('timeout');

/** Start errors that mean "the program is not in the image": reported as exit 127, as a shell would. */
const NOT_FOUND = /executable file not found|no such file or directory|not found in \$PATH/i;

/**
 * Runs command tests through the Docker API of a Docker or Podman engine: pulls the image by
 * digest, creates a container with no network, every capability dropped, no new privileges, a
 * read-only root file system, memory/CPU/pids limits and none of our env, waits up to the
 * timeout (then kills it), reads its output within {@link MAX_OUTPUT_BYTES} per stream, and
 * always removes the container.
 */
export class DockerApiCommandRunner implements CommandRunner {
  private podman: Promise<boolean> | undefined;

  constructor(private readonly options: DockerApiRunnerOptions) {}

  async run(request: CommandRunRequest): Promise<CommandRunOutcome> {
    const { docker } = this.options;
    try {
      await docker.ping();
    } catch (error) {
      return { notRun: `container engine unreachable (${errorText(error)})` };
    }
    const pulled = await this.pull(request.image);
    if (pulled !== undefined) return { notRun: pulled };

    let imageUser: string | undefined;
    try {
      imageUser = (await docker.getImage(request.image).inspect()).Config?.User;
    } catch (error) {
      return { notRun: `pulled image cannot be inspected (${errorText(error)})` };
    }
    if (!request.runAsRoot && isRootUser(request.user ?? imageUser)) {
      return { notRun: 'the command would run as root; set `runAsRoot: true` on the test to allow it, or `user:`' };
    }

    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        name: `portcullis-image-test-${randomBytes(6).toString('hex')}`,
        Image: request.image,
        Entrypoint: [request.argv[0]!],
        Cmd: request.argv.slice(1),
        ...(request.user !== undefined ? { User: request.user } : {}),
        Env: [],
        Labels: { [IMAGE_TEST_LABEL]: 'true' },
        NetworkDisabled: true,
        AttachStdin: false,
        OpenStdin: false,
        Tty: false,
        HostConfig: {
          NetworkMode: 'none',
          Privileged: false,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          ReadonlyRootfs: true,
          Memory: this.options.memoryBytes,
          MemorySwap: this.options.memoryBytes,
          NanoCpus: this.options.cpuMillis * 1_000_000,
          PidsLimit: this.options.pidsLimit,
          AutoRemove: false,
          ...(this.options.tmpBytes > 0 ? { Tmpfs: { '/tmp': `rw,noexec,nosuid,nodev,size=${this.options.tmpBytes}` } } : {}),
        },
      });
    } catch (error) {
      return { notRun: `container could not be created (${errorText(error)})` };
    }
    try {
      return await this.execute(container, request);
    } finally {
      // Always gone, whatever happened above; `force` kills a container still running.
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  private async execute(container: Docker.Container, request: CommandRunRequest): Promise<CommandRunOutcome> {
    // Waiting is requested before the start so a command that exits at once is not missed.
    const waited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
    waited.catch(() => undefined);
    try {
      await container.start();
    } catch (error) {
      const text = errorText(error);
      if (NOT_FOUND.test(text)) return { exitCode: 127, stdout: '', stderr: text, timedOut: false };
      return { notRun: `container could not be started (${text})` };
    }
    const outcome = await withTimeout(waited, request.timeoutMs).catch((error: unknown) => error);
    let timedOut = false;
    let exitCode = -1;
    if (outcome === TIMEOUT) {
      timedOut = true;
      await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
    } else if (outcome instanceof Error) {
      return { notRun: `waiting for the container failed (${errorText(outcome)})` };
    } else {
      exitCode = (outcome as { StatusCode: number }).StatusCode;
    }
    const stdout = new BoundedSink(MAX_OUTPUT_BYTES);
    const stderr = new BoundedSink(MAX_OUTPUT_BYTES);
    try {
      const stream = await container.logs({ follow: true, stdout: true, stderr: true });
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      container.modem.demuxStream(stream, stdout, stderr);
      // A killed container's log stream ends promptly; the bound protects against an engine that does not.
      if ((await withTimeout(ended, 10_000)) === TIMEOUT && 'destroy' in stream) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    } catch (error) {
      return { exitCode, stdout: '', stderr: '', timedOut, outputUnavailable: `logs could not be read (${errorText(error)})` };
    }
    return { exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut, ...(stdout.truncated || stderr.truncated ? { truncated: true } : {}) };
  }

  /** Pulls `image` (by digest); returns why it failed, or undefined. */
  private async pull(image: string): Promise<string | undefined> {
    const registry = image.split('/')[0]!;
    const credentials = this.options.credentialsFor?.(registry);
    const authconfig = credentials ? { username: credentials.username, password: credentials.password, serveraddress: registry } : undefined;
    const insecure = (this.options.insecureRegistries ?? []).includes(registry);
    try {
      const done = insecure && (await this.isPodman()) ? this.podmanPull(image, authconfig) : this.dockerPull(image, authconfig);
      const outcome = await withTimeout(done, this.options.pullTimeoutMs);
      if (outcome === TIMEOUT) return `image pull took longer than ${this.options.pullTimeoutMs / 1000}s`;
      return outcome === undefined ? undefined : `image could not be pulled (${outcome})`;
    } catch (error) {
      return `image could not be pulled (${errorText(error)})`;
    }
  }

  private isPodman(): Promise<boolean> {
    this.podman ??= this.options.docker
      .version()
      .then((v) => (v.Components ?? []).some((c) => /podman/i.test(c.Name)))
      .catch(() => false);
    return this.podman;
  }

  /** The Docker pull (`POST /images/create`), following its progress stream to the end. */
  private async dockerPull(image: string, authconfig: object | undefined): Promise<string | undefined> {
    const stream = (await this.options.docker.pull(image, authconfig ? { authconfig } : {})) as NodeJS.ReadableStream;
    return new Promise((resolve) => {
      this.options.docker.modem.followProgress(stream, (error: Error | null) => resolve(error ? scrub(error.message) : undefined));
    });
  }

  /**
   * Podman's own pull endpoint: the Docker-compatible one has no way to skip TLS verification, and
   * a plain-HTTP registry would otherwise have to be listed in the host's registries.conf.
   */
  private podmanPull(image: string, authconfig: object | undefined): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.options.docker.modem.dial(
        {
          // Podman serves its own API only under a version prefix; v4.0.0 is accepted by Podman 4 and 5.
          path: '/v4.0.0/libpod/images/pull?',
          method: 'POST',
          options: { _query: { reference: image, tlsVerify: false, quiet: true, policy: 'always' }, _body: {} },
          ...(authconfig ? { authconfig } : {}),
          isStream: true,
          statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such image', 500: 'server error' },
        },
        (error: unknown, stream: unknown) => {
          if (error) return reject(error instanceof Error ? error : new Error(String(error)));
          const body = new BoundedSink(MAX_OUTPUT_BYTES);
          const readable = stream as NodeJS.ReadableStream;
          readable.on('error', reject);
          readable.on('end', () => {
            // A JSON stream: the pull reports a failure as `{"error": "…"}` with status 200.
            const failure = /"error"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body.text());
            resolve(failure ? scrub(failure[1]!) : undefined);
          });
          readable.pipe(body);
        },
      );
    });
  }
}
