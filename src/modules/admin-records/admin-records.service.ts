import { LRUCache } from 'lru-cache';
import type { ServiceContext } from '../../lib/context.js';
import { forbidden, validation, type AppError } from '../../lib/errors.js';
import { tenantScopeOf, tenantSetOf, type Action } from '../access/ability.js';
import { actorFields } from '../audit/audit.service.js';
import { isMaskedFor, personalFieldsOf } from '../reveal/reveal.mask.js';
import type { RevealService } from '../reveal/reveal.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { coerceFilterValue, CoercionError, isUuid, textOf } from './admin-records.coerce.js';
import { MODEL_POLICIES, type AdminModel } from './admin-records.policy.js';
import { adminRecordRepository, type Row } from './admin-records.repository.js';
import {
  COUNT_CAP,
  CountQuery,
  ListQuery,
  MAX_LIST_WINDOW,
  type CappedCount,
  type FilterClause,
} from './admin-records.schemas.js';
import { columnsOf, isUuidColumn, type FieldMeta } from './model-metadata.js';

export type AdminRecordService = ReturnType<typeof createAdminRecordService>;
export type { Row } from './admin-records.repository.js';

type Where = Record<string, unknown>;
type OrderBy = Array<Record<string, 'asc' | 'desc'>>;

const and = (...parts: Where[]): Where => ({ AND: parts });

/**
 * How long this process remembers that a count reached COUNT_CAP, or that a text filter matches
 * more than COUNT_CAP rows. Both only change when thousands of rows go (an erasure): until then
 * every list GET would walk COUNT_CAP + 1 rows again (≈ 5 ms of the database per page view at
 * 2M transactions, issue 17) to say "more than 10,000" once more.
 */
export const CAPPED_MEMORY_MS = 15_000;

/** Tenant-scoped staff with more grants than this are listed with one query (no merge). */
const MAX_TENANT_SPLIT = 25;

/** A decimal as Prisma returns one (decimal.js): compared exactly, never as text or a float. */
interface DecimalValue {
  comparedTo(other: DecimalValue): number;
}
const isDecimal = (v: unknown): v is DecimalValue =>
  typeof v === 'object' && v !== null && typeof (v as { comparedTo?: unknown }).comparedTo === 'function';

/**
 * Orders rows as PostgreSQL does for `orderBy` (NULLS LAST ascending, FIRST descending): numbers,
 * big integers and decimals by value (a decimal compared as text would put 100 before 9), dates by
 * time, text as JavaScript compares it (code point order, as under the C.UTF-8 locale the
 * embedded databases are created with).
 */
function compareBy(orderBy: OrderBy): (a: Row, b: Row) => number {
  const keys = orderBy.map((o) => Object.entries(o)[0]!);
  const value = (v: unknown): number | bigint | string | DecimalValue | null =>
    v === null || v === undefined
      ? null
      : v instanceof Date
        ? v.getTime()
        : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || isDecimal(v)
          ? v
          : textOf(v);
  const order = (x: number | bigint | string | DecimalValue, y: typeof x): number =>
    isDecimal(x) && isDecimal(y) ? x.comparedTo(y) : x === y ? 0 : x < y ? -1 : 1;
  return (a, b) => {
    for (const [field, dir] of keys) {
      const x = value(a[field]);
      const y = value(b[field]);
      if (x === null && y === null) continue;
      const sign = dir === 'asc' ? 1 : -1;
      if (x === null) return sign; // nulls last ascending, first descending
      if (y === null) return -sign;
      const c = order(x, y);
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}

const toValidation = (err: unknown): never => {
  if (err instanceof CoercionError) throw validation([err.detail]);
  throw err;
};

/** The tenant a row belongs to, for the audit chain. */
function tenantIdOf(model: AdminModel, row: Row | null | undefined): string | null {
  if (!row) return null;
  if (model === 'Tenant') return String(row.id);
  return typeof row.tenantId === 'string' ? row.tenantId : null;
}

/** A record id in the model's id type, or null when it cannot be one (then: not found). */
function parseId(model: AdminModel, id: unknown): string | bigint | null {
  const text = textOf(id).trim();
  if (model === 'AuditEvent') return /^\d{1,19}$/.test(text) ? BigInt(text) : null;
  return isUuid(text) ? text.toLowerCase() : null;
}

/** Text-filter lookups one request's list and count share (see textMatchesOnce). */
export type TextLookups = Map<string, Promise<string[] | null>>;
export interface SharedLookups {
  textLookups?: TextLookups | undefined;
}

/**
 * Generic, scoped reads of the admin's records: lists, counts, single records and reference
 * lookups, each through the repository that applies the actor's ability in the query. It writes
 * nothing: the admin's create, edit and delete run on the models' domain services
 * (admin/resources/writes.ts); an operation with no service is refused here (audited DENIED).
 */
export function createAdminRecordService(deps: CoreDeps & { reveal: RevealService }) {
  const { db, audit, reveal } = deps;
  const repo = adminRecordRepository;
  /** Counts that reached the cap, by model, reader (tenant set and ability) and condition. */
  const cappedCounts = new LRUCache<string, true>({ max: 5_000, ttl: CAPPED_MEMORY_MS });
  /** Text filters with more than COUNT_CAP matches in a tenant set, by model, field, text and set. */
  const denseNeedles = new LRUCache<string, true>({ max: 5_000, ttl: CAPPED_MEMORY_MS });

  const omitOf = (model: AdminModel) => {
    const hidden = MODEL_POLICIES[model].hidden;
    return hidden.length ? { omit: Object.fromEntries(hidden.map((f) => [f, true])) } : {};
  };

  function readableColumn(ctx: ServiceContext, model: AdminModel, name: string): FieldMeta | null {
    const column = columnsOf(model).get(name);
    if (!column || MODEL_POLICIES[model].hidden.includes(name)) return null;
    // Masked personal data is not searchable or sortable either: that would be an oracle.
    if (isMaskedFor(ctx, model) && personalFieldsOf(model).includes(name)) return null;
    return column;
  }

  function filterWhere(ctx: ServiceContext, model: AdminModel, filters: FilterClause[]): Where[] {
    const parts: Where[] = [];
    const hidden = MODEL_POLICIES[model].hiddenByDefault;
    if (hidden) {
      const toggle = filters.find((f) => f.field === hidden.toggle);
      if (!toggle || !['true', true].includes(toggle.value as string | boolean)) parts.push(hidden.where);
      filters = filters.filter((f) => f.field !== hidden.toggle);
    }
    for (const clause of filters) {
      const column = readableColumn(ctx, model, clause.field);
      if (!column || column.type === 'Json')
        throw validation([{ field: clause.field, code: 'unknown_field', message: 'This field cannot be filtered' }]);
      let value: unknown;
      try {
        value = coerceFilterValue(column, clause.value);
      } catch (err) {
        toValidation(err);
      }
      const isText =
        column.type === 'String' &&
        column.kind === 'scalar' &&
        !isUuidColumn(column) &&
        !MODEL_POLICIES[model].exactMatch?.includes(column.name);
      if (column.isList) parts.push({ [column.name]: { has: value } });
      // Prisma's `contains` passes % and _ through as LIKE wildcards: escaped, they match themselves.
      else if (clause.op === 'contains' && isText)
        parts.push({ [column.name]: { contains: String(value).replace(/[\\%_]/g, '\\$&'), mode: 'insensitive' } });
      else if (clause.op === 'gte' || clause.op === 'lte') parts.push({ [column.name]: { [clause.op]: value } });
      else parts.push({ [column.name]: value });
    }
    return parts;
  }

  /**
   * Text filters answered by backoffice_text_matches() (`textSearch`, migrations 105 and 108)
   * within the reader's tenant set: under row-level security an ILIKE is never served by the
   * trigram index (it is not leakproof, so the policy runs first) and walks every visible row —
   * in list order for all-tenants staff, a support agent's tenants whole. A filter matching at
   * most COUNT_CAP rows becomes `id IN (those ids)`, which the rest of the query (the ability,
   * the policies, the other filters, order and page) then reads as before; one matching more
   * stays an ILIKE (its matches are dense: the list order finds a page of them quickly) and marks
   * the count as capped.
   */
  async function resolveTextFilters(
    ctx: ServiceContext,
    model: AdminModel,
    filters: FilterClause[],
    lookups: TextLookups | undefined,
  ): Promise<{ filters: FilterClause[]; ids: Where[]; dense: FilterClause[] }> {
    const searchable = MODEL_POLICIES[model].textSearch ?? [];
    const out = { filters: [] as FilterClause[], ids: [] as Where[], dense: [] as FilterClause[] };
    const resolvable = db.rowLevelSecurity && searchable.length > 0;
    const readers = tenantSetOf(ctx.actor);
    for (const clause of filters) {
      // Only a filter filterWhere would accept (readable column, a valid value): the others stay
      // for it to refuse with its 400.
      const column =
        resolvable && clause.op === 'contains' && searchable.includes(clause.field)
          ? readableColumn(ctx, model, clause.field)
          : null;
      const needle = column ? validText(column, clause.value) : null;
      if (!needle) {
        out.filters.push(clause);
        continue;
      }
      const dense = JSON.stringify([model, clause.field, needle, readers]);
      const ids = denseNeedles.has(dense) ? 'dense' : await textMatchesOnce(ctx, model, clause.field, needle, lookups);
      // Commoner than the tenant set's rows (a tenant-scoped reader): the ILIKE, counted as usual.
      if (ids === null) out.filters.push(clause);
      else if (ids === 'dense' || ids.length > COUNT_CAP) {
        denseNeedles.set(dense, true);
        out.filters.push(clause);
        out.dense.push(clause);
      } else out.ids.push({ id: { in: ids } });
    }
    return out;
  }

  /**
   * The ids matching a text filter. With `lookups` (one request's: AdminJS asks for a list page
   * and its count in one request) the page and the count share the lookup, which reads up to
   * COUNT_CAP + 1 rows; a failed lookup is not kept.
   */
  function textMatchesOnce(
    ctx: ServiceContext,
    model: AdminModel,
    field: string,
    needle: string,
    lookups: TextLookups | undefined,
  ): Promise<string[] | null> {
    const key = JSON.stringify([model, field, needle]);
    const known = lookups?.get(key);
    if (known) return known;
    const ids = db.read(ctx, (s) => repo.textMatches(s, model, field, needle, COUNT_CAP + 1));
    if (lookups) {
      lookups.set(key, ids);
      ids.catch(() => lookups.delete(key));
    }
    return ids;
  }

  /** The filter's value as filterWhere would coerce it, when it is valid non-empty text. */
  function validText(column: FieldMeta, raw: unknown): string | null {
    try {
      const value = coerceFilterValue(column, raw);
      return typeof value === 'string' && value !== '' ? value : null;
    } catch {
      return null;
    }
  }

  function orderOf(ctx: ServiceContext, model: AdminModel, sort?: { field: string; direction: 'asc' | 'desc' }): OrderBy {
    const policy = MODEL_POLICIES[model];
    const byDefault = policy.order.map(([field, dir]) => ({ [field]: dir }));
    if (!sort || !policy.sortable.includes(sort.field) || !readableColumn(ctx, model, sort.field)) return byDefault;
    const [first] = policy.order;
    if (first && first[0] === sort.field) {
      // The default order, possibly reversed: still one index range scan.
      const flip = sort.direction !== first[1];
      return policy.order.map(([field, dir]) => ({ [field]: flip ? (dir === 'asc' ? 'desc' : 'asc') : dir }));
    }
    return [{ [sort.field]: sort.direction }, { id: sort.direction }];
  }

  async function auditRead(ctx: ServiceContext, model: AdminModel, kind: 'list' | 'show', rows: Row[], filters: string[] = []) {
    const tenants = [...new Set(rows.map((r) => tenantIdOf(model, r)))];
    await db.write(
      ctx,
      (session) =>
        audit.record(session, {
          ...actorFields(ctx),
          tenantId: tenants.length === 1 ? tenants[0] : null,
          action: `admin.${model}.${kind}`,
          resource: model,
          recordId: kind === 'show' && rows[0] ? String(rows[0].id) : null,
          diff: kind === 'list' ? { viewed: rows.map((r) => String(r.id)), filters } : null,
        }),
      // Recording a read is not a change to read back: the actor's reads may stay on the replica.
      { recordsReadOnly: true },
    );
  }

  /** Requires that the actor's role may read the model at all (else 403, audited). */
  const requireRead = (ctx: ServiceContext, model: AdminModel, action: string) =>
    requireAbility(deps, ctx, 'read', model, { action });

  /**
   * The tenants a tenant-scoped staff member's list can be split into (their grants, narrowed by
   * a tenant filter), when an index leads with tenantId; null when one query is the better plan.
   * The split is only a plan: every query still carries the scope — the whole ability, or its
   * exact form within the one tenant it reads (scopeWithinTenant) — and the policies.
   */
  function tenantSplit(ctx: ServiceContext, model: AdminModel, filters: FilterClause[]): string[] | null {
    const tenantScope = tenantScopeOf(ctx.actor);
    if (!MODEL_POLICIES[model].tenantIndexed || tenantScope.kind !== 'tenants') return null;
    let tenants = [...tenantScope.tenantIds];
    for (const f of filters)
      if (f.field === 'tenantId' && f.op === 'equals') tenants = tenants.filter((t) => t === String(f.value).toLowerCase());
    return tenants.length <= MAX_TENANT_SPLIT ? tenants : null;
  }

  /**
   * One page across several tenants: each tenant's first `skip + take` keys by an index range
   * scan (tenantId = ?, in list order), merged, then the page's rows by id. PostgreSQL would
   * otherwise walk the global (occurredAt, id) index filtering on tenantId, which degrades with
   * depth and with small tenants.
   */
  async function pageAcrossTenants(
    ctx: ServiceContext,
    model: AdminModel,
    where: Where,
    orderBy: OrderBy,
    tenants: string[],
    skip: number,
    take: number,
  ): Promise<Row[]> {
    // Models not read in SQL: each tenant's first skip + take keys, merged here.
    const mergedHere = async () => {
      const select = Object.fromEntries([...orderBy.map((o) => Object.keys(o)[0]!), 'id'].map((f) => [f, true]));
      const keys = await Promise.all(
        tenants.map((tenantId) =>
          db.read(ctx, (s) => repo.findManyVisibleInTenant(s, model, tenantId, { where, orderBy, take: skip + take, select })),
        ),
      );
      return keys
        .flat()
        .sort(compareBy(orderBy))
        .slice(skip, skip + take)
        .map((k) => k.id);
    };
    const page =
      (await db.read(ctx, (s) => repo.pageIdsAcrossTenants(s, model, tenants, { where, orderBy, skip, take }))) ??
      (await mergedHere());
    if (!page.length) return [];
    const found = await db.read(ctx, (s) =>
      repo.findManyVisible(s, model, { where: and(where, { id: { in: page } }), take: page.length, ...omitOf(model) }),
    );
    const byId = new Map(found.map((r) => [String(r.id), r]));
    return page.map((id) => byId.get(String(id))).filter((r): r is Row => r !== undefined);
  }

  /**
   * A page of records within the actor's ability, newest first by default (index order). The
   * window never goes past MAX_LIST_WINDOW rows; personal data is masked for masked roles.
   */
  async function list(ctx: ServiceContext, model: AdminModel, raw: ListQuery, shared: SharedLookups = {}): Promise<Row[]> {
    const query = ListQuery.parse(raw);
    await requireRead(ctx, model, `admin.${model}.list`);
    const take = query.take;
    const skip = Math.min(query.skip, Math.max(0, MAX_LIST_WINDOW - take));
    const text = await resolveTextFilters(ctx, model, query.filters, shared.textLookups);
    const where = and(...filterWhere(ctx, model, text.filters), ...text.ids);
    const orderBy = orderOf(ctx, model, query.sort);
    const tenants = tenantSplit(ctx, model, query.filters);
    const rows = tenants
      ? await pageAcrossTenants(ctx, model, where, orderBy, tenants, skip, take)
      : await db.read(ctx, (s) => repo.findManyVisible(s, model, { where, orderBy, take, skip, ...omitOf(model) }));
    const shown = await reveal.maskForActor(ctx, model, rows);
    if (MODEL_POLICIES[model].auditReads && ctx.actor.type === 'STAFF')
      await auditRead(
        ctx,
        model,
        'list',
        shown,
        query.filters.map((f) => f.field),
      );
    return shown;
  }

  /**
   * How many records match, counted up to COUNT_CAP + 1 rows in index order (never a full
   * COUNT(*) of a large table); `capped` when there are more.
   */
  async function count(
    ctx: ServiceContext,
    model: AdminModel,
    raw: CountQuery,
    shared: SharedLookups = {},
  ): Promise<CappedCount> {
    const query = CountQuery.parse(raw);
    await requireRead(ctx, model, `admin.${model}.list`);
    const policy = MODEL_POLICIES[model];
    // In index order, so the capped scan is an index(-only) range: tenant first when the list is
    // tenant-scoped (the (tenantId, ...) index returns several tenants in order, without a sort).
    const tenantFirst =
      policy.tenantIndexed &&
      (tenantSplit(ctx, model, query.filters) !== null || query.filters.some((f) => f.field === 'tenantId'));
    const text = await resolveTextFilters(ctx, model, query.filters, shared.textLookups);
    // More than COUNT_CAP rows of the reader's tenant set match a text filter and nothing else
    // narrows them (every reader's read rules of a searchable model condition on the tenant at
    // most): the count is capped without walking them.
    if (text.dense.length > 0 && text.filters.length === text.dense.length && text.ids.length === 0 && !policy.hiddenByDefault)
      return { count: COUNT_CAP, capped: true };
    const where = and(...filterWhere(ctx, model, text.filters), ...text.ids);
    // Who reads (the tenant set and the ability's read rules of the model) and what: two staff
    // members share a remembered count only when their queries are the same.
    const rules = ctx.ability.rulesFor('read', model).map((r) => [r.inverted, r.conditions ?? null, r.fields ?? null]);
    const key = JSON.stringify([model, tenantSetOf(ctx.actor), rules, where]);
    if (cappedCounts.has(key)) return { count: COUNT_CAP, capped: true };
    const n = await db.read(ctx, (s) =>
      repo.countVisible(s, model, {
        where,
        orderBy: [...(tenantFirst ? [{ tenantId: 'asc' }] : []), ...policy.order.map(([field, dir]) => ({ [field]: dir }))],
        take: COUNT_CAP + 1,
      }),
    );
    if (n > COUNT_CAP) cappedCounts.set(key, true);
    return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
  }

  /**
   * One record within the actor's ability, or null (the caller answers 404). `audit` records a
   * view of personal data (show pages of audited resources).
   */
  async function findOne(
    ctx: ServiceContext,
    model: AdminModel,
    rawId: unknown,
    options: { audit?: boolean } = {},
  ): Promise<Row | null> {
    const id = parseId(model, rawId);
    if (id === null) return null;
    const row = await db.read(ctx, (s) => repo.findFirstVisible(s, model, { where: { id }, ...omitOf(model) }));
    if (!row) return null;
    const [shown] = await reveal.maskForActor(ctx, model, [row]);
    if (options.audit && MODEL_POLICIES[model].auditReads && ctx.actor.type === 'STAFF')
      await auditRead(ctx, model, 'show', [shown!]);
    return shown!;
  }

  /** The records among `ids` within the actor's ability (reference names, bulk selections). */
  async function findMany(ctx: ServiceContext, model: AdminModel, rawIds: unknown[]): Promise<Row[]> {
    const ids = [...new Set(rawIds.map((id) => parseId(model, id)).filter((id): id is string | bigint => id !== null))];
    if (!ids.length) return [];
    const rows = await db.read(ctx, (s) =>
      repo.findManyVisible(s, model, { where: { id: { in: ids } }, take: ids.length, ...omitOf(model) }),
    );
    return reveal.maskForActor(ctx, model, rows);
  }

  /** Refuses an operation the admin does not offer on a model (audited DENIED, 403). */
  async function refuse(ctx: ServiceContext, model: AdminModel, operation: string, recordId?: string | null): Promise<AppError> {
    return deny(deps, ctx, { action: `admin.${model}.${operation}`, resource: model, recordId: recordId ?? null }, forbidden());
  }

  /** An attempt to act on a record that is missing or outside the ability: audited DENIED, 404. */
  async function refuseMissing(ctx: ServiceContext, model: AdminModel, operation: string, recordId: string): Promise<AppError> {
    return deny(deps, ctx, { action: `admin.${model}.${operation}`, resource: model, recordId: recordId.slice(0, 200) });
  }

  /** Whether the actor's role may perform `action` on the model at all (UI visibility). */
  const can = (ctx: ServiceContext, action: Action, model: AdminModel): boolean => ctx.ability.can(action, model);

  return { list, count, findOne, findMany, refuse, refuseMissing, can };
}
