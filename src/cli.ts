#!/usr/bin/env node
// The `mylog` command. Talks to the same services as the server: the configured URLs, or the
// embedded ones under MYLOG_DATA_DIR (borrowed from a running server when there is one).
import { parseArgs } from 'node:util';
import { CommandError, type Command } from './cli/command.ts';
import { commands, type CommandEntry } from './cli/registry.ts';
import { ConfigError, loadConfig } from './config.ts';
import { AppError } from './infra/errors.ts';
import { createCliLogger } from './infra/logger.ts';
import { createDb } from './infra/postgres.ts';
import { startServices } from './infra/services.ts';

const GLOBAL_OPTIONS = {
  json: { type: 'boolean', description: 'print exactly one JSON object' },
  help: { type: 'boolean', description: 'show help' },
} as const;

function findCommand(words: string[]): CommandEntry | undefined {
  let best: CommandEntry | undefined;
  for (const entry of commands) {
    if (
      entry.path.every((p, i) => words[i] === p) &&
      (!best || entry.path.length > best.path.length)
    ) {
      best = entry;
    }
  }
  return best;
}

/** The whole list: the one place that loads every command (for their summaries). */
async function usage(): Promise<string> {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const summaries = await Promise.all(commands.map(async (c) => (await c.load()).summary));
  return [
    'Usage: mylog <command> [options] [--json]',
    '',
    'Commands:',
    ...commands.map((c, i) => `  ${c.path.join(' ').padEnd(width)}  ${summaries[i]}`),
    '',
    'Every command accepts --json (one JSON object on stdout) and --help.',
    'Configuration comes from the environment, as for the server (see README.md).',
  ].join('\n');
}

function commandUsage(path: readonly string[], command: Command): string {
  const options = Object.entries(command.options ?? {}).map(
    ([name, spec]) =>
      `  --${name}${spec.type === 'string' ? ' <value>' : ''}  ${spec.description}${spec.required ? ' (required)' : ''}`,
  );
  return [
    `Usage: mylog ${path.join(' ')}${(command.positionals ?? []).map((p) => ` <${p}>`).join('')} [options]`,
    '',
    command.summary,
    ...(options.length ? ['', 'Options:', ...options] : []),
    '  --json  print exactly one JSON object',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const words = argv.filter((a) => !a.startsWith('-'));
  const found = findCommand(words);
  if (!found) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${await usage()}\n`);
      return argv.length === 0 ? 1 : 0;
    }
    return fail(
      json,
      'unknown_command',
      `unknown command "${words.join(' ')}"\n\n${await usage()}`,
    );
  }
  const command = await found.load();
  const { path } = found;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${commandUsage(path, command)}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail(
      json,
      'invalid_arguments',
      `${(error as Error).message}\n\n${commandUsage(path, command)}`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = parsed.positionals.slice(path.length);
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    if (spec.required && values[name] === undefined) {
      return fail(
        json,
        'missing_option',
        `--${name} is required\n\n${commandUsage(path, command)}`,
      );
    }
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(json, 'invalid_config', error.message);
    throw error;
  }
  const logger = createCliLogger({
    logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel,
  });
  const log = (message: string): void => logger.info(message);
  const needs = typeof command.needs === 'function' ? command.needs(values) : command.needs;
  const services = await startServices(config, { role: 'cli', needs, log }).catch(
    (error: unknown) => {
      throw new CommandError('services_unavailable', (error as Error).message);
    },
  );
  const db = createDb(services.databaseUrl || 'postgres://unused', 2);
  try {
    const result = await command.run({ config, services, db, log }, { values, positionals });
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${command.format(result)}\n`);
    return command.exitCode?.(result) ?? 0;
  } finally {
    await db.destroy();
    await services.stop();
  }
}

function fail(json: boolean, code: string, message: string): number {
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`mylog: ${message}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const json = process.argv.includes('--json');
    if (error instanceof CommandError) process.exit(fail(json, error.code, error.message));
    if (error instanceof AppError) process.exit(fail(json, error.code, error.message));
    process.stderr.write(
      `mylog: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(
      fail(json, 'internal_error', error instanceof Error ? error.message : String(error)),
    );
  },
);
