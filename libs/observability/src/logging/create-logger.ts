import { type DestinationStream, type Logger, pino } from 'pino';
import { currentTrace } from '../trace/trace-storage.js';
import { LogScrubber, REDACTED } from './log-scrubber.js';

/**
 * Field paths whose values never reach a log line. Pino's wildcard covers one level (`*.password`
 * is `x.password`, not `x.y.password`); deeper secrets are caught by the scrubber when their value
 * is known, which is why both exist.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...[
    'password',
    'passwd',
    'secret',
    'token',
    'accessToken',
    'refreshToken',
    'apiKey',
    'api_key',
    'privateKey',
    'clientSecret',
    'authorization',
    'cookie',
  ].flatMap((key) => [key, `*.${key}`]),
  ...[
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'x-auth-token',
    'private-token',
    'x-gitlab-token',
  ].flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
];

/** Options of `createLogger`. */
export interface CreateLoggerOptions {
  /** Service name, on every line as `service`. */
  service: string;
  /** Instance id (see `serviceIdentity` in @portcullis/config), on every line as `instance`. */
  instanceId: string;
  /** Least severe level written: fatal, error, warn, info, debug, trace or silent. Default info. */
  level?: string;
  /** Secret values to replace with `***` wherever they appear (`sensitiveValues(config)`). */
  sensitiveValues?: readonly string[];
  /** A scrubber to use (and add `sensitiveValues` to), so secrets learned later can be added to it. */
  scrubber?: LogScrubber;
  /** Extra field paths to redact, in pino's path syntax. */
  redactPaths?: readonly string[];
  /** Where JSON lines go; stdout when absent. Tests pass a stream that collects them. */
  destination?: DestinationStream;
}

/**
 * The process logger: one JSON object per line with `time` (ISO 8601), `level` (label),
 * `service`, `instance`, `msg`, the `trace_id`/`span_id` of the current trace, and no secrets.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const scrubber = options.scrubber ?? new LogScrubber();
  scrubber.add(options.sensitiveValues ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, instance: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
      mixin: () => {
        const trace = currentTrace();
        // A fresh object each call: pino merges the log call's fields into it.
        return trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {};
      },
      // On the finished line, so it also reaches messages, error stacks and fields nested deeper
      // than the redact paths. Replacing inside JSON strings keeps the line valid JSON.
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
    },
    options.destination ?? pino.destination(1),
  );
}
