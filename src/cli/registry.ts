import type { Command } from './command.ts';
import { appCreateCommand, appListCommand } from './commands/app.ts';
import { migrateCommand } from './commands/migrate.ts';
import { orgCreateCommand, orgListCommand } from './commands/org.ts';

/** Every `mylog` command. Features add theirs here. */
export const commands: Command[] = [
  migrateCommand,
  orgCreateCommand,
  orgListCommand,
  appCreateCommand,
  appListCommand,
];
