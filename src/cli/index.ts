// Must be first: zod schemas created anywhere later get `.openapi()` (zod 4 attaches methods at creation).
import '../http/api/zod-openapi.js';
import { Command } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerApprovalCommands } from './commands/approvals.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerExportCommand } from './commands/export.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSeed } from './commands/seed.js';
import { registerStaffTotpCommand } from './commands/staff-totp.js';
import { registerWorkerCommand } from './commands/worker.js';
import { reportAndExit } from './shared.js';

/** `npx backoffice`: each command group registers itself (src/cli/commands). */
export function buildCli(): Command {
  const program = new Command('backoffice').description('Finance back office operations').showHelpAfterError();
  registerMigrate(program);
  registerSeed(program);
  registerAccountCommands(program);
  registerStaffTotpCommand(program);
  registerAuditCommands(program);
  registerExportCommand(program);
  registerApprovalCommands(program);
  registerWorkerCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    reportAndExit(err);
  }
}
