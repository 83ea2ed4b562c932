import type { Command } from './command.ts';
import { adminCreateCommand } from './commands/admin.ts';
import { auditVerifyCommand } from './commands/audit.ts';
import { dashboardExportCommand, dashboardImportCommand } from './commands/dashboard.ts';
import { appCreateCommand, appListCommand } from './commands/app.ts';
import { dlqListCommand, dlqReplayCommand } from './commands/dlq.ts';
import { memberAddCommand } from './commands/member.ts';
import { migrateCommand } from './commands/migrate.ts';
import { orgCreateCommand, orgListCommand } from './commands/org.ts';
import { reportGenerateCommand } from './commands/report.ts';
import { tokenCreateCommand } from './commands/token.ts';

/** Every `mylog` command. Features add theirs here. */
export const commands: Command[] = [
  migrateCommand,
  orgCreateCommand,
  orgListCommand,
  appCreateCommand,
  appListCommand,
  adminCreateCommand,
  memberAddCommand,
  tokenCreateCommand,
  dlqListCommand,
  dlqReplayCommand,
  reportGenerateCommand,
  dashboardExportCommand,
  dashboardImportCommand,
  auditVerifyCommand,
];
