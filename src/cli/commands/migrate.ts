import type { Command } from 'commander';
import { loadConfigOrExit } from '../../bootstrap.js';
import { openDatabase } from '../../db/bootstrap.js';
import { migrate } from '../../db/migrate.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const db = await openDatabase(loadConfigOrExit(), { migrate: false });
      try {
        const result = await migrate(db.ownerUrl, db.appUrl);
        console.log(result.applied.length ? `Applied: ${result.applied.join(', ')}` : 'Nothing to apply.');
        console.log(`Database at version ${result.version}.`);
      } finally {
        await db.stop();
      }
    });
}
