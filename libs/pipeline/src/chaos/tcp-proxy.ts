import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 that a fault-tolerance run can cut and restore. */
export interface TcpProxy {
  /** `127.0.0.1:<port>` the proxy listens on. */
  readonly address: string;
  readonly port: number;
  /** Whether connections currently go through. */
  readonly open: boolean;
  /**
   * Makes the upstream unreachable: every open connection is reset and new ones are refused (the
   * listener closes, so a client sees `ECONNREFUSED`, as for a server that is down).
   */
  cut(): Promise<void>;
  /** Listens again on the same port; connections go through. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return address.port;
}

/**
 * Starts a byte-for-byte TCP proxy to `upstream` (`host:port`). TLS passes through untouched, so a
 * client keeps verifying the real server's certificate (the API server's names 127.0.0.1).
 */
export async function startTcpProxy(upstream: string): Promise<TcpProxy> {
  const colon = upstream.lastIndexOf(':');
  const host = upstream.slice(0, colon);
  const upstreamPort = Number(upstream.slice(colon + 1));
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const makeServer = () =>
    createServer((client) => {
      track(client);
      const target = createConnection({ host, port: upstreamPort });
      track(target);
      client.pipe(target).pipe(client);
      // Either side ending or failing tears down both, as a cut connection would.
      client.on('error', () => target.destroy());
      target.on('error', () => client.destroy());
      client.on('close', () => target.destroy());
      target.on('close', () => client.destroy());
    });
  let server = makeServer();
  const port = await listen(server, 0);
  let open = true;

  const closeServer = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
  const cut = async () => {
    if (!open) return;
    open = false;
    const closing = closeServer(server);
    for (const socket of sockets) socket.resetAndDestroy();
    await closing;
  };
  return {
    address: `127.0.0.1:${port}`,
    port,
    get open() {
      return open;
    },
    cut,
    restore: async () => {
      if (open) return;
      server = makeServer();
      await listen(server, port);
      open = true;
    },
    close: cut,
  };
}
