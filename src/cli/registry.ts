import type { Command } from './command.ts';

export interface CommandEntry {
  /** e.g. ['org', 'create'] */
  path: readonly string[];
  /** A run loads only its own command's module: `mylog org list` need not load report rendering. */
  load: () => Promise<Command>;
}

const entry = (words: string, load: () => Promise<Command>): CommandEntry => ({
  path: words.split(' '),
  load,
});

/** Every `mylog` command. Features add theirs here. */
export const commands: CommandEntry[] = [
  entry('migrate', async () => (await import('./commands/migrate.ts')).migrateCommand),
  entry('org create', async () => (await import('./commands/org.ts')).orgCreateCommand),
  entry('org list', async () => (await import('./commands/org.ts')).orgListCommand),
  entry('app create', async () => (await import('./commands/app.ts')).appCreateCommand),
  entry('app list', async () => (await import('./commands/app.ts')).appListCommand),
  entry('admin create', async () => (await import('./commands/admin.ts')).adminCreateCommand),
  entry('member add', async () => (await import('./commands/member.ts')).memberAddCommand),
  entry('token create', async () => (await import('./commands/token.ts')).tokenCreateCommand),
  entry('dlq list', async () => (await import('./commands/dlq.ts')).dlqListCommand),
  entry('dlq replay', async () => (await import('./commands/dlq.ts')).dlqReplayCommand),
  entry(
    'report generate',
    async () => (await import('./commands/report.ts')).reportGenerateCommand,
  ),
  entry(
    'dashboard export',
    async () => (await import('./commands/dashboard.ts')).dashboardExportCommand,
  ),
  entry(
    'dashboard import',
    async () => (await import('./commands/dashboard.ts')).dashboardImportCommand,
  ),
  entry('audit verify', async () => (await import('./commands/audit.ts')).auditVerifyCommand),
];
