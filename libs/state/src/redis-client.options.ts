import { readFileSync } from 'node:fs';
import { type RedisOptions as IoRedisOptions } from 'ioredis';
import { StateError } from './state.error.js';

/** Logging surface the client needs; a pino logger satisfies it. */
export interface StateLogger {
  /** Connection recovered. */
  info(obj: object, msg?: string): void;
  /** Connection lost or refused; logged once per outage, not once per reconnect attempt. */
  warn(obj: object, msg?: string): void;
}

/** TLS settings for `rediss://` (or to force TLS on a `redis://` URL). Files are read once, at creation. */
export interface RedisTlsOptions {
  /** PEM bundle of the CA that signed the server certificate; Node's bundled CAs when omitted. */
  caFile?: string;
  /** Client certificate (PEM) for mutual TLS. */
  certFile?: string;
  /** Private key (PEM) belonging to `certFile`. */
  keyFile?: string;
  /** Name to verify in the server certificate when it differs from the URL host. */
  servername?: string;
}

/** How to reach Redis and how quickly to give up. Defaults favour failing fast over waiting. */
export interface RedisOptions {
  /**
   * `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS. The only place
   * credentials come from; they are scrubbed from every message this library produces.
   */
  url: string;
  /** Prepended to every key, so services or test files sharing one Redis never collide. */
  keyPrefix?: string;
  /** Give up on one TCP/TLS connect attempt after this long. Default 2000. */
  connectTimeoutMs?: number;
  /**
   * Upper bound for one command's reply, and separately for waiting until a lost connection is
   * back before sending it. Default 1000.
   */
  commandTimeoutMs?: number;
  /** Cap of the exponential reconnect backoff; the client retries forever at most this far apart. Default 2000. */
  maxReconnectDelayMs?: number;
  /** TLS settings; implied (with defaults) by a `rediss://` URL. */
  tls?: RedisTlsOptions;
  /** Shown in `CLIENT LIST`, so an operator can tell which service holds a connection. */
  clientName?: string;
  /** Where connection loss and recovery are reported. Silent when omitted. */
  logger?: StateLogger;
}

/** Everything `createRedisClient` derives from RedisOptions before it opens a connection. */
export interface ConnectionSettings {
  /** Options handed to ioredis. */
  ioredis: IoRedisOptions;
  /** Strings to scrub from every message: the URL and the password in raw and encoded form. */
  secrets: string[];
  /** `host:port/db`, safe to log. */
  target: string;
  /** Bound for one command and for waiting on a reconnect. */
  commandTimeoutMs: number;
}

const DEFAULT_PORT = 6379;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 2_000;
const MAX_RECONNECT_JITTER_MS = 100;

/**
 * Delay before reconnect attempt `attempt` (1-based): 100 ms doubling up to `maxDelayMs`, plus
 * jitter so a fleet of instances does not reconnect in lockstep. Never gives up: a Redis that
 * comes back is used again without recreating the client.
 */
export function reconnectDelayMs(attempt: number, maxDelayMs: number, random: () => number = Math.random): number {
  const exponential = 50 * 2 ** Math.min(Math.max(attempt, 1), 16);
  return Math.min(exponential, maxDelayMs) + Math.floor(random() * MAX_RECONNECT_JITTER_MS);
}

/**
 * Turns RedisOptions into ioredis options. Every choice below departs from an ioredis default on
 * purpose; with the defaults a command against a dead Redis waits in the offline queue through 20
 * reconnects (over a minute) and then may still run long after its caller gave up.
 */
export function buildConnectionSettings(
  options: RedisOptions,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): ConnectionSettings {
  const connectTimeoutMs = positiveInteger(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs');
  const commandTimeoutMs = positiveInteger(options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');
  const maxReconnectDelayMs = positiveInteger(
    options.maxReconnectDelayMs,
    DEFAULT_MAX_RECONNECT_DELAY_MS,
    'maxReconnectDelayMs',
  );
  const endpoint = parseRedisUrl(options.url);
  const useTls = endpoint.tls || options.tls !== undefined;
  const secrets = [options.url, endpoint.password ?? '', endpoint.rawPassword].filter((s) => s.length > 0);

  const ioredis: IoRedisOptions = {
    host: endpoint.host,
    port: endpoint.port,
    db: endpoint.db,
    ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    ...(useTls ? { tls: tlsOptions(options.tls ?? {}, readFile) } : {}),
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(options.clientName ? { connectionName: options.clientName } : {}),
    lazyConnect: false,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    // A half-open TCP connection (peer gone without RST) would otherwise stay "ready" until
    // keep-alive notices minutes later; no reply this long after a write means the socket is dead.
    socketTimeout: Math.max(2 * commandTimeoutMs, 2_000),
    // ioredis' offline queue keeps a command and sends it after reconnecting even when its caller
    // already timed out: a ghost SET NX would then hold a claim nobody knows about. The client
    // waits for "ready" itself (bounded) and sends nothing while disconnected.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops fail at once instead of being resent later:
    // a resent INCR or SET NX whose first copy did run would be applied twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Handlers run concurrently; their commands issued in one tick share a single round trip.
    enableAutoPipelining: true,
    enableReadyCheck: true,
    retryStrategy: (attempt: number) => reconnectDelayMs(attempt, maxReconnectDelayMs),
    // After a failover the old primary turns replica and answers READONLY; a fresh connection
    // (through DNS or a proxy) reaches the new primary.
    reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
  };
  return {
    ioredis,
    secrets,
    target: `${endpoint.host}:${endpoint.port}/${endpoint.db}`,
    commandTimeoutMs,
  };
}

interface RedisEndpoint {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
  /** As written in the URL (percent-encoded), so it can be scrubbed in that form too. */
  rawPassword: string;
}

function parseRedisUrl(text: string): RedisEndpoint {
  // Messages here never quote the URL: it carries the password.
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('Redis url is not a valid URL (expected redis://[user:password@]host[:port][/db])');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw invalid(`Redis url has scheme "${url.protocol}", expected redis: or rediss:`);
  }
  if (url.hostname === '') throw invalid('Redis url has no host');
  const dbPath = url.pathname.replace(/^\/+/, '');
  if (dbPath !== '' && !/^\d+$/.test(dbPath)) throw invalid('Redis url path must be a database number (/0)');
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw invalid('Redis url credentials are not valid percent-encoding');
  }
  return {
    // WHATWG URL keeps IPv6 brackets; sockets want the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    db: dbPath === '' ? 0 : Number(dbPath),
    tls: url.protocol === 'rediss:',
    username: username === '' ? undefined : username,
    password: password === '' ? undefined : password,
    rawPassword: url.password,
  };
}

function tlsOptions(tls: RedisTlsOptions, readFile: (path: string) => Buffer): NonNullable<IoRedisOptions['tls']> {
  const read = (role: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      throw invalid(`cannot read Redis TLS ${role} file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
  const ca = read('CA', tls.caFile);
  const cert = read('certificate', tls.certFile);
  const key = read('key', tls.keyFile);
  // Certificate verification stays on: there is deliberately no option to turn it off.
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw invalid(`${name} must be a positive integer (ms), got ${value}`);
  return value;
}

function invalid(message: string): StateError {
  return new StateError({ code: 'STATE_INVALID_ARGUMENT', message, disposition: 'permanent' });
}
