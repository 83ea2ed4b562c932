import type { Config } from '../config.ts';
import type { Db } from '../infra/postgres.ts';
import type { Services } from '../infra/services.ts';

export type OptionSpec = {
  type: 'string' | 'boolean';
  description: string;
  required?: boolean;
  multiple?: boolean;
};

export interface ServiceNeeds {
  postgres?: boolean;
  redis?: boolean;
  clickhouse?: boolean;
}

/** What a command gets: configuration, and the services it declared it needs, already started. */
export interface CommandContext {
  config: Config;
  services: Services;
  db: Db;
  log: (message: string) => void;
}

export interface Command {
  summary: string;
  options?: Record<string, OptionSpec>;
  /** Positional arguments, named for the help text. */
  positionals?: string[];
  /** A function when the options decide it (e.g. `migrate --print` connects to nothing). */
  needs:
    | ServiceNeeds
    | ((values: Record<string, string | boolean | string[] | undefined>) => ServiceNeeds);
  run(
    ctx: CommandContext,
    args: {
      values: Record<string, string | boolean | string[] | undefined>;
      positionals: string[];
    },
  ): Promise<object>;
  /** Human-readable output; --json prints the object itself. */
  format(result: object): string;
  /** A result that is a finding rather than success (e.g. a broken audit chain): exit code 1. */
  exitCode?(result: object): number;
}

/** A command's failure that the user can fix: printed without a stack trace, exit code 1. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => formatCell(row[c])));
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...cells.map((r) => (r[i] as string).length)),
  );
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
