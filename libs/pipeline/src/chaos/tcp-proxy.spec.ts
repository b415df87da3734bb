import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** An echo server standing in for the Kubernetes API. */
let upstream: Server;
let upstreamPort: number;
let sut: TcpProxy;
const upstreamSockets = new Set<Socket>();

beforeEach(async () => {
  upstream = createServer((socket) => {
    upstreamSockets.add(socket);
    // The proxy resets this side when cut: expected, not a failure.
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
  sut = await startTcpProxy(`127.0.0.1:${upstreamPort}`);
});

afterEach(async () => {
  await sut.close();
  for (const socket of upstreamSockets) socket.destroy();
  upstreamSockets.clear();
  await new Promise((resolve) => upstream.close(resolve));
});

/** Connects through the proxy: the echoed text, or the error code. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('startTcpProxy', () => {
  it('passes bytes both ways', async () => {
    expect(sut.address).toBe(`127.0.0.1:${sut.port}`);
    expect(await roundTrip(sut.port, 'hello')).toBe('hello');
  });

  it('refuses connections while cut, resets the open ones, and passes again on the same port once restored', async () => {
    const open: Socket = await new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: sut.port }, () => resolve(socket));
    });
    const closed = new Promise<string>((resolve) => {
      open.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      open.once('close', () => resolve('closed'));
    });

    await sut.cut();
    expect(sut.open).toBe(false);
    expect(['ECONNRESET', 'closed']).toContain(await closed);
    expect(await roundTrip(sut.port, 'x')).toBe('ECONNREFUSED');

    await sut.restore();
    expect(sut.open).toBe(true);
    expect(await roundTrip(sut.port, 'back')).toBe('back');
  });
});
