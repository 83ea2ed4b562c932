import { pino, type Logger } from 'pino';
import type { Config } from '../config.ts';

/** Log options shared by the server (Fastify's logger) and the CLI, so both write the same JSON lines. */
export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
  };
}

/** The CLI logs to stderr so that stdout carries only the command's answer (one JSON object with --json). */
export function createCliLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino(loggerOptions(config), pino.destination(2));
}
