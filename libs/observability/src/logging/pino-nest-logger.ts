import { type LoggerService } from '@nestjs/common';
import { type Level, type Logger } from 'pino';

const STACK_TRACE = /\n\s+at /;

/**
 * Routes Nest's own logs (bootstrap, routes, exceptions) through the pino logger, so they are
 * JSON, scrubbed and traced like every other line. `NestFactory.create(Module, adapter, { logger: new PinoNestLogger(logger) })`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  // Nest appends the logger's context as the last string argument, and `error` may carry a stack
  // string before it (`error(message, stack?, context?)`, with `undefined` for a missing stack).
  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const params = optionalParams.filter((param) => param !== undefined);
    const fields: Record<string, unknown> = {};
    const last = params.at(-1);
    if (typeof last === 'string' && !STACK_TRACE.test(last)) {
      fields['context'] = last;
      params.pop();
    }
    const stackIndex = params.findIndex((param) => typeof param === 'string' && STACK_TRACE.test(param));
    if (stackIndex !== -1) fields['stack'] = params.splice(stackIndex, 1)[0];
    if (params.length > 0) fields['details'] = params;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...(message as Record<string, unknown>), ...fields });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
