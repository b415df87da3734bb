import { randomBytes } from 'node:crypto';

/**
 * The W3C Trace Context of one unit of work (an HTTP request, a consumed event). It travels as the
 * `traceparent` header on HTTP and as a Kafka header, so logs of every service can be joined.
 */
export interface TraceContext {
  /** 32 lowercase hex characters, never all zeros; shared by every span of the trace. */
  readonly traceId: string;
  /** 16 lowercase hex characters, never all zeros; this unit of work. */
  readonly spanId: string;
  /** The span this one was started from, when known (for logs; not propagated). */
  readonly parentSpanId?: string;
  /** Trace flags byte; bit 0 = sampled. */
  readonly traceFlags: number;
}

const SAMPLED = 0x01;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
// version-traceid-parentid-flags, lowercase hex only (https://www.w3.org/TR/trace-context/#traceparent-header).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` header; `undefined` when it is absent or invalid, in which case the
 * caller starts a new trace (the spec says to ignore a malformed parent, not to fail the request).
 */
export function parseTraceparent(header: string | undefined | null): TraceContext | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags] = match;
  const rest = match[5] as string | undefined;
  // ff is forbidden. Version 00 has exactly four fields; a later version may append fields after a
  // dash, and we read the 00 part of it as the spec asks.
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** Whether a string is a valid `traceparent` header. */
export function isValidTraceparent(header: string | undefined | null): boolean {
  return parseTraceparent(header) !== undefined;
}

/** The `traceparent` header (version 00) for a context. */
export function formatTraceparent(context: TraceContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** A new trace: fresh random trace and span ids. Sampled unless told otherwise. */
export function newTraceContext(options: { sampled?: boolean } = {}): TraceContext {
  return { traceId: randomId(16), spanId: randomId(8), traceFlags: options.sampled === false ? 0 : SAMPLED };
}

/** A child span: same trace and flags, new span id, remembering the parent's span id. */
export function childOf(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: randomId(8), parentSpanId: parent.spanId, traceFlags: parent.traceFlags };
}

/** Whether the sampled flag is set. */
export function isSampled(context: TraceContext): boolean {
  return (context.traceFlags & SAMPLED) === SAMPLED;
}

function randomId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    // All-zero ids are invalid; the odds are 2^-64 at worst, but a loop costs nothing.
    if (/[^0]/.test(id)) return id;
  }
}
