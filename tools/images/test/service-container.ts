import { type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BoundPorts, GenericContainer, getContainerRuntimeClient, type StartedTestContainer, type WaitStrategy } from 'testcontainers';

/*
 * The testcontainers pieces the image suite needs beyond GenericContainer's builders: the
 * read-only root filesystem the Helm chart sets, readiness on the host's network, a tail of what
 * each container printed for failure messages, and the engine's view of a container.
 */

/** The `ContainerInspectInfo` of the engine's container inspect (Docker API, as Podman serves it). */
export type ContainerInspect = Dockerode.ContainerInspectInfo;

/** GenericContainer plus the hardening of the chart's securityContext it has no builder for. */
export class HardenedContainer extends GenericContainer {
  /**
   * `readOnlyRootFilesystem: true`. testcontainers offers `withTmpFs` but no read-only root; the
   * `hostConfig` it sends on create is the extension point its own modules set such fields on.
   */
  withReadOnlyRootFilesystem(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }
}

/**
 * Runs a port-based wait strategy (`Wait.forHttp(path, port)`) for a container on the host's
 * network. Such a container publishes no ports, so testcontainers finds no binding for `port` and
 * its HTTP wait would retry until its timeout; there the container's port is the host's port.
 */
export class HostNetworkWait implements WaitStrategy {
  constructor(
    private readonly inner: WaitStrategy,
    private readonly ports: readonly number[],
  ) {}

  waitUntilReady(container: Dockerode.Container, _published: BoundPorts, startTime?: Date): Promise<void> {
    const sameOnHost = new BoundPorts();
    for (const port of this.ports) sameOnHost.setBinding(port, port);
    return this.inner.waitUntilReady(container, sameOnHost, startTime);
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.inner.withStartupTimeout(startupTimeoutMs);
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.inner.isStartupTimeoutSet();
  }

  getStartupTimeout(): number {
    return this.inner.getStartupTimeout();
  }
}

export function onHostNetwork(inner: WaitStrategy, ...ports: number[]): HostNetworkWait {
  return new HostNetworkWait(inner, ports);
}

/**
 * The last lines a container printed, for failure messages: pass `consume` to
 * `withLogConsumer`. (`StartedTestContainer.logs()` follows the stream and never ends while the
 * container runs.)
 */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep = 40) {}

  readonly consume = (stream: Readable): void => {
    stream.on('data', (chunk: Buffer | string) => this.push(chunk.toString()));
    stream.on('end', () => this.flush());
    // The stream ends with the container; an error on it must not fail the run.
    stream.on('error', () => this.flush());
  };

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].slice(-this.keep).join('\n');
  }

  private flush(): void {
    if (this.partial) this.push('\n');
  }
}

/** The engine's inspect of a started (or stopped, not removed) container. */
export async function inspectContainer(container: Pick<StartedTestContainer, 'getId'>): Promise<ContainerInspect> {
  const client = await getContainerRuntimeClient();
  return client.container.inspect(client.container.getById(container.getId()));
}

/** Removes a container stopped with `stop({ remove: false })`, and its anonymous volumes. */
export async function removeContainer(id: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container.remove(client.container.getById(id), { removeVolumes: true });
}
