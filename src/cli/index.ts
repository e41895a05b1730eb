import { Command } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerMigrate } from './commands/migrate.js';
import { registerSeed } from './commands/seed.js';
import { reportAndExit } from './shared.js';

/** `npx backoffice`: each command group registers itself (src/cli/commands). */
export function buildCli(): Command {
  const program = new Command('backoffice').description('Finance back office operations').showHelpAfterError();
  registerMigrate(program);
  registerSeed(program);
  registerAccountCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    reportAndExit(err);
  }
}
