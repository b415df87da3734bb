import { PortcullisError, type Disposition } from '@portcullis/errors';

/** Stable codes of every failure `@portcullis/kube` raises on purpose. */
export type KubeErrorCode =
  /** The credentials lack a verb on a resource (HTTP 403); an operator must grant it. */
  | 'KUBE_FORBIDDEN'
  /** The credentials were rejected (HTTP 401). */
  | 'KUBE_UNAUTHORIZED'
  /** The target namespace does not exist. */
  | 'KUBE_NAMESPACE_NOT_FOUND'
  /** The API server rejected an object as invalid (HTTP 422, or 400 on a malformed body). */
  | 'KUBE_INVALID'
  /** Optimistic concurrency kept failing (HTTP 409) after a few fresh re-reads. */
  | 'KUBE_CONFLICT'
  /** A Deployment carries a higher fencing token: a newer orchestrator owns it. */
  | 'KUBE_FENCED'
  /** An object the rollout needs is missing (e.g. the live Service of a blue-green app). */
  | 'KUBE_NOT_FOUND'
  /** 5xx, 429, timeouts, refused or reset connections: try again after `retryAfterMs`. */
  | 'KUBE_UNAVAILABLE';

const DISPOSITIONS: Record<KubeErrorCode, Disposition> = {
  KUBE_FORBIDDEN: 'permanent',
  KUBE_UNAUTHORIZED: 'permanent',
  KUBE_NAMESPACE_NOT_FOUND: 'permanent',
  KUBE_INVALID: 'permanent',
  KUBE_CONFLICT: 'retry',
  KUBE_FENCED: 'permanent',
  KUBE_NOT_FOUND: 'permanent',
  KUBE_UNAVAILABLE: 'retry',
};

/**
 * Failure talking to a Kubernetes API server. `message` names the verb, resource and namespace and
 * never contains a token, a certificate or a request body; `disposition` follows from the code.
 */
export class KubeError extends PortcullisError<KubeErrorCode> {
  /** HTTP status of the API response, when there was one. */
  readonly status: number | undefined;

  constructor(code: KubeErrorCode, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super({
      code,
      message,
      disposition: DISPOSITIONS[code],
      retryAfterMs: options.retryAfterMs ?? (DISPOSITIONS[code] === 'retry' ? 1_000 : undefined),
      cause: options.cause,
      publicMessage: code === 'KUBE_FORBIDDEN' || code === 'KUBE_NAMESPACE_NOT_FOUND' || code === 'KUBE_INVALID' || code === 'KUBE_FENCED' ? message : undefined,
    });
    this.status = options.status;
  }
}

/** What the adapter was doing when a call failed; used to build messages. */
export interface KubeCallContext {
  verb: 'get' | 'list' | 'watch' | 'create' | 'patch' | 'update' | 'delete';
  /** Plural resource with group, e.g. `deployments.apps`, `services`, `jobs.batch`. */
  resource: string;
  namespace: string;
  name?: string;
}

/** The parts of a `meta/v1 Status` body we read. */
interface StatusBody {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[]; retryAfterSeconds?: number };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Anything that can hold a bearer token or key material is cut out before it reaches a message. */
export function scrub(text: string): string {
  return text
    .replace(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g, '[pem]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[jwt]')
    .replace(/\s+/g, ' ')
    .slice(0, 600);
}

function parseStatus(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : undefined;
}

function target(ctx: KubeCallContext): string {
  return `${ctx.resource}${ctx.name ? `/${ctx.name}` : ''} in namespace ${ctx.namespace}`;
}

/** HTTP status of a client-node failure (ApiException `code`, or `statusCode` of a failed watch). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const c = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && (NETWORK_CODES.has(c.code) || c.code.startsWith('UND_ERR'))) return c.code;
    if (c.name === 'TimeoutError' || c.name === 'AbortError') return String(c.name);
    current = c.cause;
  }
  return undefined;
}

/**
 * Maps any client-node failure to a `KubeError`. 403 quotes the user the API server names in its
 * Status message (it already says "User \"system:serviceaccount:ns:sa\" cannot patch resource ...").
 */
export function toKubeError(error: unknown, ctx: KubeCallContext): KubeError {
  if (error instanceof KubeError) return error;
  const status = statusOf(error);
  const body = parseStatus((error as { body?: unknown } | null)?.body);
  const serverMessage = body?.message ? scrub(body.message) : undefined;
  const what = `${ctx.verb} ${target(ctx)}`;
  if (status === undefined) {
    const code = networkCode(error);
    const detail = code ?? (error instanceof Error ? scrub(error.message) : 'unknown error');
    return new KubeError('KUBE_UNAVAILABLE', `Kubernetes API unreachable during ${what}: ${detail}`, { retryAfterMs: 2_000, cause: error });
  }
  switch (status) {
    case 401:
      return new KubeError('KUBE_UNAUTHORIZED', `Kubernetes API rejected the credentials during ${what} (401)`, { status });
    case 403: {
      const user = /User "([^"]+)"/.exec(body?.message ?? '')?.[1] ?? 'the configured identity';
      return new KubeError(
        'KUBE_FORBIDDEN',
        `Forbidden: ${user} may not ${ctx.verb} ${ctx.resource} in namespace ${ctx.namespace}; grant the verb "${ctx.verb}" on "${ctx.resource}" (see deploy/rbac/deploy-orchestrator.yaml)`,
        { status },
      );
    }
    case 404:
      if (body?.details?.kind === 'namespaces') {
        return new KubeError('KUBE_NAMESPACE_NOT_FOUND', `Namespace ${ctx.namespace} does not exist (${what})`, { status });
      }
      return new KubeError('KUBE_NOT_FOUND', `Not found: ${what}${serverMessage ? ` (${serverMessage})` : ''}`, { status });
    case 409:
      return new KubeError('KUBE_CONFLICT', `Conflict during ${what}: ${serverMessage ?? 'the object changed'}`, { status, retryAfterMs: 500 });
    case 400:
    case 422: {
      const causes = (body?.details?.causes ?? []).map((c) => `${c.field ?? '?'}: ${c.message ?? c.reason ?? 'invalid'}`);
      const detail = causes.length > 0 ? causes.join('; ') : (serverMessage ?? 'invalid');
      return new KubeError('KUBE_INVALID', `Invalid object in ${what}: ${scrub(detail)}`, { status });
    }
    default: {
      const retryAfterMs = body?.details?.retryAfterSeconds ? body.details.retryAfterSeconds * 1_000 : status === 429 ? 1_000 : 2_000;
      return new KubeError('KUBE_UNAVAILABLE', `Kubernetes API answered ${status} during ${what}${serverMessage ? `: ${serverMessage}` : ''}`, {
        status,
        retryAfterMs,
      });
    }
  }
}
