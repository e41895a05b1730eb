import type { AuditEvent, Prisma } from '@prisma/client';
import type { Writable } from 'node:stream';
import type { Database, ReadSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, forbidden, validation } from '../../lib/errors.js';
import { deny, requireAbility } from '../shared/guard.js';
import type { CheckpointAllOptions, CheckpointAllResult } from './audit.checkpoint.js';
import type { ExportQuery, StreamedExport } from './audit.export.js';
import type { AnchorRecord } from './audit.heads.js';
import type { BundleSummary, StreamedBundle, StreamBundleOptions } from './audit.bundle.js';
import type { ConsistencyProof, InclusionProof, ProofOutcome } from './audit.proof.js';
import type { AuditKeys } from './audit.signing.js';
import { AuditExportFormat, AuditPage, AuditSearchFilters, READ_EVENT_SUFFIXES, VerifyAuditInput } from './audit.schemas.js';
import type { auditSearchRepository } from './audit.search.repository.js';
import { actorFields, type AuditTrail } from './audit.service.js';
import type { ChainBreak, VerificationResult, VerifyOptions } from './audit.verify.js';

/**
 * The whole-trail work that needs one consistent snapshot on a connection of its own (the
 * verifier, the streaming export and the checkpoint job, over the pg pool): given to the console
 * as a port, so the console itself holds no database handle.
 */
export interface AuditChains {
  verify(options: VerifyOptions): Promise<VerificationResult>;
  export(query: ExportQuery, format: AuditExportFormat, out: Writable): Promise<StreamedExport>;
  checkpoint(options: CheckpointAllOptions): Promise<CheckpointAllResult>;
  /** A bundle (events, signed heads, public keys) of whole chains from one snapshot (audit.bundle.ts). */
  bundle(options: StreamBundleOptions, out: Writable): Promise<StreamedBundle>;
  /** Inclusion of one event in the latest signed head of its chain (audit.proof.ts). */
  proveInclusion(eventId: string, keys: AuditKeys): Promise<ProofOutcome<InclusionProof>>;
  /** A later signed head of a chain extends an earlier one (audit.proof.ts). */
  proveConsistency(
    chainKey: string,
    from: number,
    to: number | undefined,
    keys: AuditKeys,
  ): Promise<ProofOutcome<ConsistencyProof>>;
}

export interface AuditConsoleDeps {
  db: Database;
  audit: AuditTrail;
  events: typeof auditSearchRepository;
  /** The tenants whose chains the console names and verifies (tenantRepository). */
  tenants: { findVisible(s: ReadSession, id: string): Promise<{ id: string; slug: string } | null> };
  trail: AuditChains;
  /** The signing key, every key that verifies (active and retired, legacy HMAC), the published key set. */
  keys: AuditKeys;
  checkpointEvery: number;
}

/** An event as the console shows it: JSON-safe (bigints as strings, time in ISO 8601). */
export interface AuditEventView {
  id: string;
  chainKey: string;
  seq: string;
  tenantId: string | null;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resource: string | null;
  recordId: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
  prevHash: string;
  hash: string;
}

/** What the compliance dashboard shows about the last verification. */
export interface VerificationSummary {
  status: 'intact' | 'broken';
  tenantId: string | null;
  chains: number;
  events: number;
  checkpoints: number;
  breaks: ChainBreak[];
  durationMs: number;
}

export interface LastVerification extends VerificationSummary {
  verifiedAt: string;
  eventId: string;
  actorType: string;
  actorId: string | null;
}

export interface ExportManifest {
  kind: 'audit-trail';
  format: AuditExportFormat;
  /** Events written (for a bundle: events covered by signed heads). */
  rows: number;
  bytes: number;
  sha256: string;
  /** A bundle's chains: the signed size exported and the head at the snapshot. */
  chains?: BundleSummary['sizes'];
  filters: Record<string, string>;
  requestedBy: { type: string; id: string; role: string };
  correlationId: string;
  createdAt: string;
  /** The 'audit.export' event that records this export. */
  auditEventId: string;
}

const MAX_BREAKS_IN_EVENT = 50;

const toView = (e: AuditEvent): AuditEventView => ({
  ...e,
  id: e.id.toString(),
  seq: e.seq.toString(),
  occurredAt: e.occurredAt.toISOString(),
  diff: e.diff ?? null,
});

function encodeCursor(e: AuditEvent): string {
  return Buffer.from(JSON.stringify({ t: e.occurredAt.toISOString(), id: e.id.toString() })).toString('base64url');
}

function decodeCursor(cursor: string): { t: Date; id: bigint } {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: string; id: string };
    const t = new Date(raw.t);
    if (Number.isNaN(t.getTime()) || !/^\d{1,19}$/.test(raw.id)) throw new Error('bad cursor');
    return { t, id: BigInt(raw.id) };
  } catch {
    throw validation([{ field: 'cursor', code: 'invalid', message: 'Unknown cursor' }]);
  }
}

const summarise = (r: VerificationResult): VerificationSummary => ({
  status: r.status,
  tenantId: r.tenantId,
  chains: r.chains,
  events: r.events,
  checkpoints: r.checkpoints,
  breaks: r.breaks.slice(0, MAX_BREAKS_IN_EVENT),
  durationMs: r.durationMs,
});

/** Filters as plain strings (manifest, audit diff). */
function describeFilters(f: ReturnType<typeof AuditSearchFilters.parse>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v instanceof Date ? v.toISOString() : String(v);
  return out;
}

/** A bundle holds whole chains (verifiable from their first event): only the tenant filter applies. */
function requireWholeChains(f: ReturnType<typeof AuditSearchFilters.parse>): void {
  const partial = (['actorId', 'action', 'outcome', 'from', 'to'] as const).filter((k) => f[k] !== undefined);
  if (partial.length)
    throw validation(
      partial.map((field) => ({
        field,
        code: 'not_allowed',
        message: 'A bundle holds whole chains so that it can be verified; only the tenant filter applies.',
      })),
    );
}

/** The chains a bundle covers: one tenant's, the readable tenants', or all (with the global chain). */
function bundleChains(tenantId: string | undefined, tenants: 'all' | string[]): string[] | undefined {
  if (tenantId) return tenants === 'all' || tenants.includes(tenantId) ? [`tenant:${tenantId}`] : [];
  return tenants === 'all' ? undefined : tenants.map((t) => `tenant:${t}`);
}

/** How a verification runs (audit:verify's options); all off by default. */
export interface VerifyRunOptions {
  /** Record the result as an 'audit.verify' event (default true). */
  record?: boolean;
  /** Start each chain from its last verified signed head. */
  incremental?: boolean;
  /** Remember the heads verified, for the next incremental run. */
  saveCursors?: boolean;
  /** Signed heads kept outside the database, compared with the database's. */
  anchors?: readonly AnchorRecord[];
}

/**
 * The tenants whose audit events the actor may read, from their CASL rules: 'all', a list, or
 * null (none). Streaming exports cannot use a Prisma `where`, so only conditions on tenantId are
 * translated; anything else is refused rather than guessed.
 */
function readableTenants(ctx: ServiceContext): 'all' | string[] | null {
  if (!ctx.ability.can('read', 'AuditEvent')) return null;
  const rules = ctx.ability.rulesFor('read', 'AuditEvent');
  const unsupported = () => new AppError({ code: 'AUDIT.EXPORT_SCOPE_UNSUPPORTED', kind: 'FORBIDDEN' });
  if (rules.some((r) => r.inverted && r.conditions)) throw unsupported();
  const allowing = rules.filter((r) => !r.inverted);
  if (allowing.some((r) => !r.conditions)) return 'all';
  const ids = new Set<string>();
  for (const rule of allowing) {
    const cond = rule.conditions as Record<string, unknown>;
    const keys = Object.keys(cond);
    const value = cond.tenantId;
    if (keys.length !== 1 || keys[0] !== 'tenantId') throw unsupported();
    if (typeof value === 'string') ids.add(value);
    else if (value && typeof value === 'object' && Array.isArray((value as { in?: unknown }).in))
      for (const id of (value as { in: unknown[] }).in) ids.add(String(id));
    else throw unsupported();
  }
  return [...ids];
}

export type AuditConsoleService = ReturnType<typeof createAuditConsoleService>;

/** The compliance console: search, verification (audited, last result kept) and export of the trail. */
export function createAuditConsoleService(deps: AuditConsoleDeps) {
  const { db, audit, events, tenants, trail } = deps;

  /** Newest-first page of events matching the filters, within what the actor may read. */
  async function search(ctx: ServiceContext, rawFilters: AuditSearchFilters = {}, rawPage: AuditPage = {}) {
    const f = AuditSearchFilters.parse(rawFilters);
    const page = AuditPage.parse(rawPage);
    await requireAbility(deps, ctx, 'read', 'AuditEvent', { action: 'audit.search', tenantId: f.tenantId ?? null });
    const and: Prisma.AuditEventWhereInput[] = [];
    if (f.tenantId) and.push({ tenantId: f.tenantId });
    if (f.actorId) and.push({ actorId: f.actorId });
    if (f.action) and.push({ action: f.action });
    if (f.outcome) and.push({ outcome: f.outcome });
    if (f.from) and.push({ occurredAt: { gte: f.from } });
    if (f.to) and.push({ occurredAt: { lte: f.to } });
    if (f.includeReads === false) and.push({ NOT: READ_EVENT_SUFFIXES.map((suffix) => ({ action: { endsWith: suffix } })) });
    if (page.cursor) {
      const c = decodeCursor(page.cursor);
      and.push({ OR: [{ occurredAt: { lt: c.t } }, { occurredAt: c.t, id: { lt: c.id } }] });
    }
    const rows = await db.read(ctx, (s) => events.findVisiblePage(s, { AND: and }, page.limit + 1));
    const items = rows.slice(0, page.limit);
    return {
      items: items.map(toView),
      nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]!) : null,
    };
  }

  /** Records a verification's result as an 'audit.verify' event (outcome in the diff). */
  async function recordVerification(ctx: ServiceContext, result: VerificationResult): Promise<bigint> {
    const created = await db.write(ctx, (s) =>
      audit.record(s, {
        ...actorFields(ctx),
        tenantId: result.tenantId,
        action: 'audit.verify',
        resource: 'AuditEvent',
        diff: { result: { from: null, to: summarise(result) } },
      }),
    );
    return created.id;
  }

  /**
   * Verifies every chain (or one tenant's) and records the result as an 'audit.verify' event,
   * so the verification is itself on the record and the dashboard can show the last one.
   */
  async function verify(
    ctx: ServiceContext,
    raw: VerifyAuditInput = {},
    options: VerifyRunOptions = {},
  ): Promise<VerificationResult> {
    const input = VerifyAuditInput.parse(raw);
    await requireAbility(deps, ctx, 'verify', 'AuditEvent', { action: 'audit.verify', tenantId: input.tenantId ?? null });
    if (input.tenantId) {
      const tenant = await db.read(ctx, (s) => tenants.findVisible(s, input.tenantId!));
      if (!tenant) throw await deny(deps, ctx, { action: 'audit.verify', resource: 'Tenant', recordId: input.tenantId });
    }
    const result = await trail.verify({
      tenantId: input.tenantId ?? null,
      keys: deps.keys,
      checkpointEvery: deps.checkpointEvery,
      incremental: options.incremental ?? false,
      saveCursors: options.saveCursors ?? false,
      ...(options.anchors ? { anchors: options.anchors } : {}),
    });
    if (options.record !== false) await recordVerification(ctx, result);
    return result;
  }

  /** The most recent recorded verification (optionally of one tenant's chain), or null. */
  async function lastVerification(ctx: ServiceContext, raw: VerifyAuditInput = {}): Promise<LastVerification | null> {
    const input = VerifyAuditInput.parse(raw);
    if (!ctx.ability.can('read', 'AuditEvent')) return null;
    const where: Prisma.AuditEventWhereInput = {
      AND: [{ action: 'audit.verify', outcome: 'SUCCESS' }, ...(input.tenantId ? [{ tenantId: input.tenantId }] : [])],
    };
    const event = await db.read(ctx, (s) => events.findLatestVisible(s, where));
    const summary = (event?.diff as { result?: { to?: VerificationSummary } } | null)?.result?.to;
    if (!event || !summary) return null;
    return {
      ...summary,
      verifiedAt: event.occurredAt.toISOString(),
      eventId: event.id.toString(),
      actorType: event.actorType,
      actorId: event.actorId,
    };
  }

  /**
   * Streams the filtered trail (CSV or NDJSON) from PostgreSQL into `out` through a cursor and
   * returns its SHA-256 manifest (also written to `manifestOut` when given). Recorded as one
   * 'audit.export' event carrying the row count and checksum; if that record fails the export
   * throws and has no manifest, so it must be discarded. The caller ends the streams.
   */
  async function exportTrail(
    ctx: ServiceContext,
    rawFilters: AuditSearchFilters,
    rawFormat: AuditExportFormat,
    out: Writable,
    options: { manifestOut?: Writable; signHeadsFirst?: boolean } = {},
  ): Promise<ExportManifest> {
    const filters = AuditSearchFilters.parse(rawFilters);
    const format = AuditExportFormat.parse(rawFormat);
    if (format === 'bundle') requireWholeChains(filters);
    await requireAbility(deps, ctx, 'export', 'AuditEvent', { action: 'audit.export', tenantId: filters.tenantId ?? null });
    const tenants = readableTenants(ctx);
    if (tenants === null)
      throw await deny(
        deps,
        ctx,
        { action: 'audit.export', resource: 'AuditEvent' },
        new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN' }),
      );
    const query: ExportQuery = { ...filters, allowedTenantIds: tenants === 'all' ? undefined : tenants };
    const streamed: StreamedExport & { chains?: BundleSummary['sizes'] } =
      format === 'bundle'
        ? await exportBundle(ctx, bundleChains(filters.tenantId, tenants), out, options.signHeadsFirst ?? false)
        : await trail.export(query, format, out);
    const described = describeFilters(filters);
    const createdAt = new Date().toISOString();
    const event = await db.write(ctx, (s) =>
      audit.record(s, {
        ...actorFields(ctx),
        tenantId: filters.tenantId ?? null,
        action: 'audit.export',
        resource: 'AuditEvent',
        diff: {
          export: {
            from: null,
            to: { format, rows: streamed.rows, bytes: streamed.bytes, sha256: streamed.sha256, filters: described },
          },
        },
      }),
    );
    const manifest: ExportManifest = {
      kind: 'audit-trail',
      format,
      rows: streamed.rows,
      bytes: streamed.bytes,
      sha256: streamed.sha256,
      filters: described,
      requestedBy: { type: ctx.actor.type, id: ctx.actor.id, role: ctx.actor.role },
      correlationId: ctx.correlationId,
      createdAt,
      auditEventId: event.id.toString(),
      ...(streamed.chains ? { chains: streamed.chains } : {}),
    };
    if (options.manifestOut) options.manifestOut.write(`${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  /**
   * The slugs of tenants the actor may read, by id (for naming the chains of a verification
   * report); ids outside the ability are left out.
   */
  async function tenantSlugs(ctx: ServiceContext, tenantIds: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(tenantIds)];
    const found = await db.read(ctx, (s) => Promise.all(unique.map((id) => tenants.findVisible(s, id))));
    return new Map(found.filter((t) => t !== null).map((t) => [t.id, t.slug]));
  }

  /**
   * Signs the head of every chain that moved since its last checkpoint (the periodic job, or an
   * operator's command): system work only. See audit.checkpoint.ts.
   */
  async function checkpointChains(
    ctx: ServiceContext,
    options: Omit<CheckpointAllOptions, 'signer' | 'ring'> = {},
  ): Promise<CheckpointAllResult> {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'audit checkpoints are signed by the system');
    return trail.checkpoint({ ...options, signer: deps.keys.signer, ring: deps.keys.ring });
  }

  /**
   * A bundle from one snapshot. With signHeadsFirst (the CLI, system work), the heads of the
   * chains are signed just before, so the bundle reaches their current end.
   */
  async function exportBundle(ctx: ServiceContext, chainKeys: string[] | undefined, out: Writable, signHeadsFirst: boolean) {
    if (signHeadsFirst) await checkpointChains(ctx, chainKeys ? { chainKeys } : {});
    const streamed = await trail.bundle({ keySet: deps.keys.keySet, ...(chainKeys ? { chainKeys } : {}) }, out);
    return { rows: streamed.events, bytes: streamed.bytes, sha256: streamed.sha256, chains: streamed.chains };
  }

  /**
   * Inclusion proof of one event against the latest signed head of its chain (audit:prove). The
   * proof holds the event, so it is for those who may read the whole trail.
   */
  async function proveInclusion(ctx: ServiceContext, eventId: string): Promise<ProofOutcome<InclusionProof>> {
    await requireAbility(deps, ctx, 'verify', 'AuditEvent', { action: 'audit.prove', tenantId: null });
    if (readableTenants(ctx) !== 'all')
      throw await deny(deps, ctx, { action: 'audit.prove', resource: 'AuditEvent', recordId: eventId });
    return trail.proveInclusion(eventId, deps.keys);
  }

  /** Consistency proof between two signed heads of a chain (audit:prove --consistency). */
  async function proveConsistency(
    ctx: ServiceContext,
    chainKey: string,
    from: number,
    to?: number,
  ): Promise<ProofOutcome<ConsistencyProof>> {
    const tenantId = chainKey.startsWith('tenant:') ? chainKey.slice(7) : null;
    await requireAbility(deps, ctx, 'verify', 'AuditEvent', { action: 'audit.prove', tenantId });
    return trail.proveConsistency(chainKey, from, to, deps.keys);
  }

  return {
    search,
    verify,
    recordVerification,
    lastVerification,
    exportTrail,
    tenantSlugs,
    checkpointChains,
    proveInclusion,
    proveConsistency,
  };
}
