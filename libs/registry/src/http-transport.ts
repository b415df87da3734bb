import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { RegistryLimits, ResolvedRegistry } from './registry-config.js';

/** One HTTP request as the client issues it (no redirects are followed at this level). */
export interface HttpRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers: Record<string, string>;
  /** Aborts the request and its body. */
  signal?: AbortSignal;
  /**
   * True when `url` is on the configured registry's origin: only then do its CA and `insecure`
   * setting apply. Redirect targets elsewhere (object storage) get the system trust store.
   */
  registryOrigin: boolean;
}

/** A response with lower-cased header names; repeated headers are joined with `, `. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable;
}

/** The HTTP port of the client: undici in production, a fake in unit tests. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** A transport plus a way to release its connections. */
export interface ClosableTransport {
  send: HttpTransport;
  close(): Promise<void>;
}

/**
 * undici-based transport for one registry: a dispatcher with the registry's CA / insecure
 * setting for its own origin, and a default verifying dispatcher for every other host.
 */
export function undiciTransport(registry: ResolvedRegistry, limits: RegistryLimits): ClosableTransport {
  const timeouts = { headersTimeout: limits.requestTimeoutMs, bodyTimeout: limits.bodyIdleTimeoutMs, connectTimeout: limits.requestTimeoutMs };
  const registryAgent = new Agent({
    ...timeouts,
    connect: {
      timeout: limits.requestTimeoutMs,
      ...(registry.caPem ? { ca: [...rootCertificates, registry.caPem] } : {}),
      ...(registry.insecure ? { rejectUnauthorized: false } : {}),
    },
  });
  const otherAgent = new Agent({ ...timeouts, connect: { timeout: limits.requestTimeoutMs } });
  return {
    async send(req) {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        dispatcher: req.registryOrigin ? registryAgent : otherAgent,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: res.statusCode, headers, body: res.body };
    },
    async close() {
      await Promise.all([registryAgent.close(), otherAgent.close()]);
    },
  };
}
