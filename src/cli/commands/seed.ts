import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfigOrExit } from '../../bootstrap.js';
import { positiveInt, reportAndExit, withServices } from '../shared.js';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('load demo data (bulk, fast)')
    .requiredOption('--demo', 'load demo tenants, users, accounts and transactions')
    .option('--tenants <n>', 'tenants to create', positiveInt, 5)
    .option('--transactions <m>', 'transactions to create', positiveInt, 5_000)
    .action(async (opts: { tenants: number; transactions: number }) => {
      if (loadConfigOrExit().NODE_ENV === 'production')
        reportAndExit(new Error('seed --demo is refused when NODE_ENV=production'));
      await withServices(async ({ services }) => {
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: '{phase} [{bar}] {percentage}% | {value}/{total} | {duration}s', stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        let phase = '';
        const result = await services.seed.demo({
          tenants: opts.tenants,
          transactions: opts.transactions,
          onProgress: (p, done, total) => {
            if (!bar) return;
            if (p !== phase) {
              if (phase) bar.stop();
              phase = p;
              bar.start(total, done, { phase: p.padEnd(12) });
            } else bar.update(done);
          },
        });
        bar?.stop();
        await services.seed.grantDemoSupport();
        console.log(
          `Seeded ${result.tenants} tenants, ${result.users} users, ${result.accounts} accounts, ${result.transactions} transactions in ${result.seconds.toFixed(1)} s.`,
        );
      });
    });
}
