import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { type BoundPorts, type WaitStrategy } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import { HardenedContainer, LogTail, onHostNetwork } from './service-container.js';

/** A wait strategy that records what it was asked to wait with. */
class RecordingWait implements WaitStrategy {
  calls: { container: Dockerode.Container; ports: BoundPorts; startTime: Date | undefined }[] = [];
  timeout = 60_000;
  timeoutSet = false;

  waitUntilReady(container: Dockerode.Container, ports: BoundPorts, startTime?: Date): Promise<void> {
    this.calls.push({ container, ports, startTime });
    return Promise.resolve();
  }
  withStartupTimeout(ms: number): this {
    this.timeout = ms;
    this.timeoutSet = true;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }
  getStartupTimeout(): number {
    return this.timeout;
  }
}

describe('onHostNetwork', () => {
  it('hands the wrapped strategy each container port as its own host port, whatever was published', async () => {
    const inner = new RecordingWait();
    const container = { id: 'c1' } as Dockerode.Container;
    const startTime = new Date(0);
    const published = { getBinding: () => 1 } as unknown as BoundPorts;

    await onHostNetwork(inner, 38123, 9100).waitUntilReady(container, published, startTime);

    expect(inner.calls).toHaveLength(1);
    const [call] = inner.calls;
    expect({ container: call!.container, startTime: call!.startTime }).toEqual({ container, startTime });
    expect([call!.ports.getBinding(38123), call!.ports.getBinding(9100)]).toEqual([38123, 9100]);
    expect(() => call!.ports.getBinding(8080)).toThrow(/No port binding/);
  });

  it('passes the startup timeout through to the wrapped strategy', () => {
    const inner = new RecordingWait();
    const sut = onHostNetwork(inner, 1);
    expect(sut.isStartupTimeoutSet()).toBe(false);
    sut.withStartupTimeout(120_000);
    expect({ set: sut.isStartupTimeoutSet(), timeout: sut.getStartupTimeout(), inner: inner.timeout }).toEqual({ set: true, timeout: 120_000, inner: 120_000 });
  });
});

describe('HardenedContainer', () => {
  class Probe extends HardenedContainer {
    get sent() {
      return this.hostConfig;
    }
  }

  it('asks the engine for a read-only root filesystem next to the other host settings', () => {
    const sut = new Probe('localhost/portcullis/notifier:dev').withTmpFs({ '/tmp': 'rw,size=64m' });
    expect(sut.sent.ReadonlyRootfs).toBeFalsy();
    sut.withReadOnlyRootFilesystem();
    expect({ readonly: sut.sent.ReadonlyRootfs, tmpfs: sut.sent.Tmpfs }).toEqual({ readonly: true, tmpfs: { '/tmp': 'rw,size=64m' } });
  });
});

describe('LogTail', () => {
  it('joins lines split across chunks and keeps only the last ones', () => {
    const sut = new LogTail(3);
    sut.push('one\ntw');
    sut.push('o\nthree\nfour\nfi');
    expect(sut.text()).toBe('three\nfour\nfi');
    sut.push('ve\n');
    expect(sut.text()).toBe('three\nfour\nfive');
  });

  it('collects a container log stream handed to it as a log consumer', async () => {
    const sut = new LogTail();
    const stream = Readable.from(['ready on 38123\n', 'SIGTERM: draining', '\nbye']);
    sut.consume(stream);
    await new Promise((resolve) => stream.on('end', resolve));
    expect(sut.text()).toBe('ready on 38123\nSIGTERM: draining\nbye');
  });
});
