import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Structured JSON logs (one object a line) with pino. Every line carries the
 * app (`service`) so the logs of five departments can be read together.
 */
export function createLogger(service: string, options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** Nest's contexts that list routes and modules at every start. */
const ROUTE_LISTING = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader']);

/** Lets NestJS's own messages (bootstrap, routes, errors) go through the same JSON logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...context: unknown[]): void {
    // Nest's route listing (a line per route, every start) is detail for whoever debugs routing.
    const name = context.filter((item): item is string => typeof item === 'string').at(-1);
    this.write(name !== undefined && ROUTE_LISTING.has(name) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, ...context: unknown[]): void {
    this.write('error', message, context);
  }
  warn(message: unknown, ...context: unknown[]): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, ...context: unknown[]): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, ...context: unknown[]): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, ...context: unknown[]): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context: unknown[],
  ): void {
    // Nest passes the context name last, and for errors a stack before it.
    const strings = context.filter((item): item is string => typeof item === 'string');
    const contextName = strings.at(-1);
    const stack = strings.length > 1 ? strings[0] : undefined;
    const fields = { context: contextName, ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
