import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { fromUnknown } from '../../lib/error-mapping.js';
import { isSupportedCurrency } from '../../lib/money.js';
import { AppError, conflict, forbidden, isAppError, notFound, validation, type ErrorDetail } from '../../lib/errors.js';
import { permittedFieldsOf } from '@casl/ability/extra';
import { subject as caslSubject } from '@casl/ability';
import { tenantScopeOf, type Action } from '../access/ability.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { isMaskedFor, personalFieldsOf } from '../reveal/reveal.mask.js';
import type { RevealService } from '../reveal/reveal.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility, scope, type DenialInfo } from '../shared/guard.js';
import { checkMoney, coerceColumn, coerceFilterValue, CoercionError, isUuid, sameValue, textOf } from './admin-records.coerce.js';
import { MODEL_POLICIES, MONEY_COLUMNS, STAFF_SESSION_FIELDS, type AdminModel } from './admin-records.policy.js';
import { adminRecordRepository, type Row } from './admin-records.repository.js';
import {
  COUNT_CAP,
  CountQuery,
  ListQuery,
  MAX_LIST_WINDOW,
  RecordIds,
  RecordInput,
  type CappedCount,
  type FilterClause,
} from './admin-records.schemas.js';
import { columnsOf, isUuidColumn, type FieldMeta } from './model-metadata.js';

export type AdminRecordService = ReturnType<typeof createAdminRecordService>;
export type { Row } from './admin-records.repository.js';

type Where = Record<string, unknown>;
type OrderBy = Array<Record<string, 'asc' | 'desc'>>;

/** Thrown inside a transaction to roll it back; turned into an audited denial outside. */
class Refusal extends Error {
  constructor(
    readonly as: 'not_found' | 'forbidden',
    readonly details: ErrorDetail[] = [],
  ) {
    super(as);
  }
}

const and = (...parts: Where[]): Where => ({ AND: parts });

/** Tenant-scoped staff with more grants than this are listed with one query (no merge). */
const MAX_TENANT_SPLIT = 25;

/** Orders rows as PostgreSQL does for `orderBy` (NULLS LAST ascending, FIRST descending). */
function compareBy(orderBy: OrderBy): (a: Row, b: Row) => number {
  const keys = orderBy.map((o) => Object.entries(o)[0]!);
  const value = (v: unknown): number | string | null =>
    v === null || v === undefined
      ? null
      : v instanceof Date
        ? v.getTime()
        : typeof v === 'number' || typeof v === 'string'
          ? v
          : textOf(v);
  return (a, b) => {
    for (const [field, dir] of keys) {
      const x = value(a[field]);
      const y = value(b[field]);
      if (x === y) continue;
      const sign = dir === 'asc' ? 1 : -1;
      if (x === null) return sign; // nulls last ascending, first descending
      if (y === null) return -sign;
      return (x < y ? -1 : 1) * sign;
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

function mapDbError(err: unknown): AppError | null {
  const e = err as {
    code?: string;
    cause?: { originalCode?: string; kind?: string };
    meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } };
  };
  const code = e.cause?.originalCode ?? e.meta?.driverAdapterError?.cause?.originalCode ?? e.meta?.code ?? e.code;
  // 23503: foreign key; 23001: RESTRICT (a row still refers to this one).
  if (code === 'P2003' || code === '23503' || code === '23001' || e.cause?.kind === 'ForeignKeyConstraintViolation')
    return conflict('RECORD.IN_USE');
  if (code === 'P2002' || code === '23505') return conflict('RECORD.CONFLICT');
  if (code === '23514' || code === '22P02' || code === '22003' || code === 'P2000' || code === 'P2007')
    return validation([{ field: 'record', code: 'invalid', message: 'A value is not acceptable' }], 'RECORD.INVALID');
  const mapped = fromUnknown(err);
  return mapped.kind === 'INTERNAL_ERROR' ? null : mapped;
}

/**
 * Generic, scoped access to the admin's records. Every query carries the actor's ability as a
 * Prisma `where` (`scope`), so a row outside it is never loaded: lists, counts, single records,
 * reference lookups and writes alike. Writes are audited in their transaction as
 * `admin.<Model>.new|edit|delete|bulkDelete` (one event per call; DENIED when refused).
 */
export function createAdminRecordService(deps: CoreDeps & { reveal: RevealService }) {
  const { prisma, audit, reveal } = deps;
  const repo = adminRecordRepository;

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
      else if (clause.op === 'contains' && isText) parts.push({ [column.name]: { contains: value, mode: 'insensitive' } });
      else if (clause.op === 'gte' || clause.op === 'lte') parts.push({ [column.name]: { [clause.op]: value } });
      else parts.push({ [column.name]: value });
    }
    return parts;
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
    await prisma.$transaction((tx) =>
      audit.record(tx, {
        ...actorFields(ctx),
        tenantId: tenants.length === 1 ? tenants[0] : null,
        action: `admin.${model}.${kind}`,
        resource: model,
        recordId: kind === 'show' && rows[0] ? String(rows[0].id) : null,
        diff: kind === 'list' ? { viewed: rows.map((r) => String(r.id)), filters } : null,
      }),
    );
  }

  /** Requires that the actor's role may read the model at all (else 403, audited). */
  const requireRead = (ctx: ServiceContext, model: AdminModel, action: string) =>
    requireAbility(deps, ctx, 'read', model, { action });

  /**
   * The tenants a tenant-scoped staff member's list can be split into (their grants, narrowed by
   * a tenant filter), when an index leads with tenantId; null when one query is the better plan.
   * The split is only a plan: every query still carries the full scope.
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
    model: AdminModel,
    where: Where,
    orderBy: OrderBy,
    tenants: string[],
    skip: number,
    take: number,
  ): Promise<Row[]> {
    const delegate = repo.delegate(prisma, model);
    const select = Object.fromEntries([...orderBy.map((o) => Object.keys(o)[0]!), 'id'].map((f) => [f, true]));
    const keys = (
      await Promise.all(
        tenants.map((tenantId) => delegate.findMany({ where: and(where, { tenantId }), orderBy, take: skip + take, select })),
      )
    ).flat();
    const page = keys
      .sort(compareBy(orderBy))
      .slice(skip, skip + take)
      .map((k) => k.id);
    if (!page.length) return [];
    const found = await delegate.findMany({ where: and(where, { id: { in: page } }), take: page.length, ...omitOf(model) });
    const byId = new Map(found.map((r) => [String(r.id), r]));
    return page.map((id) => byId.get(String(id))).filter((r): r is Row => r !== undefined);
  }

  /**
   * A page of records within the actor's ability, newest first by default (index order). The
   * window never goes past MAX_LIST_WINDOW rows; personal data is masked for masked roles.
   */
  async function list(ctx: ServiceContext, model: AdminModel, raw: ListQuery): Promise<Row[]> {
    const query = ListQuery.parse(raw);
    await requireRead(ctx, model, `admin.${model}.list`);
    const take = query.take;
    const skip = Math.min(query.skip, Math.max(0, MAX_LIST_WINDOW - take));
    const where = and(scope(ctx, 'read', model), ...filterWhere(ctx, model, query.filters));
    const orderBy = orderOf(ctx, model, query.sort);
    const tenants = tenantSplit(ctx, model, query.filters);
    const rows = tenants
      ? await pageAcrossTenants(model, where, orderBy, tenants, skip, take)
      : await repo.delegate(prisma, model).findMany({ where, orderBy, take, skip, ...omitOf(model) });
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
  async function count(ctx: ServiceContext, model: AdminModel, raw: CountQuery): Promise<CappedCount> {
    const query = CountQuery.parse(raw);
    await requireRead(ctx, model, `admin.${model}.list`);
    const policy = MODEL_POLICIES[model];
    // In index order, so the capped scan is an index(-only) range: tenant first when the list is
    // tenant-scoped (the (tenantId, ...) index returns several tenants in order, without a sort).
    const tenantFirst =
      policy.tenantIndexed &&
      (tenantSplit(ctx, model, query.filters) !== null || query.filters.some((f) => f.field === 'tenantId'));
    const n = await repo.delegate(prisma, model).count({
      where: and(scope(ctx, 'read', model), ...filterWhere(ctx, model, query.filters)),
      orderBy: [...(tenantFirst ? [{ tenantId: 'asc' }] : []), ...policy.order.map(([field, dir]) => ({ [field]: dir }))],
      take: COUNT_CAP + 1,
    });
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
    const row = await repo.delegate(prisma, model).findFirst({ where: and(scope(ctx, 'read', model), { id }), ...omitOf(model) });
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
    const rows = await repo.delegate(prisma, model).findMany({
      where: and(scope(ctx, 'read', model), { id: { in: ids } }),
      take: ids.length,
      ...omitOf(model),
    });
    return reveal.maskForActor(ctx, model, rows);
  }

  /** Runs a write; refusals become audited denials, database conflicts audited failures. */
  async function write<T>(ctx: ServiceContext, info: DenialInfo, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await prisma.$transaction(work);
    } catch (err) {
      if (err instanceof Refusal) {
        const error =
          err.as === 'forbidden'
            ? new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN', details: err.details })
            : notFound(info.resource);
        throw await deny(deps, ctx, info, error);
      }
      if (isAppError(err)) throw err;
      const mapped = mapDbError(err);
      if (!mapped) throw err;
      await prisma.$transaction((tx) =>
        audit.record(tx, {
          ...actorFields(ctx),
          tenantId: info.tenantId ?? null,
          action: info.action,
          resource: info.resource,
          recordId: info.recordId ?? null,
          outcome: 'FAILURE',
        }),
      );
      throw mapped;
    }
  }

  /** Refuses an operation the admin does not offer on a model (audited DENIED, 403). */
  async function refuse(ctx: ServiceContext, model: AdminModel, operation: string, recordId?: string | null): Promise<AppError> {
    return deny(deps, ctx, { action: `admin.${model}.${operation}`, resource: model, recordId: recordId ?? null }, forbidden());
  }

  /** An attempt to act on a record that is missing or outside the ability: audited DENIED, 404. */
  async function refuseMissing(ctx: ServiceContext, model: AdminModel, operation: string, recordId: string): Promise<AppError> {
    return deny(deps, ctx, { action: `admin.${model}.${operation}`, resource: model, recordId: recordId.slice(0, 200) });
  }

  /** Parses the allowed columns out of admin input (unknown keys are ignored: forms send all). */
  function parseColumns(model: AdminModel, input: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
    const columns = columnsOf(model);
    const data: Record<string, unknown> = {};
    const problems: ErrorDetail[] = [];
    for (const name of allowed) {
      if (!(name in input)) continue;
      try {
        data[name] = coerceColumn(columns.get(name)!, input[name]);
      } catch (err) {
        if (err instanceof CoercionError) problems.push(err.detail);
        else throw err;
      }
    }
    for (const name of ['currency', 'baseCurrency'])
      if (typeof data[name] === 'string' && !isSupportedCurrency(data[name]))
        problems.push({ field: name, code: 'invalid_currency', message: 'Unknown or unsupported currency' });
    if (problems.length) throw validation(problems);
    return data;
  }

  function checkMoneyOf(model: AdminModel, data: Record<string, unknown>, before?: Row | null) {
    const money = MONEY_COLUMNS[model];
    if (!money) return;
    const currency = data[money.currency] ?? before?.[money.currency];
    const amounts = Object.fromEntries(money.amounts.filter((a) => a in data).map((a) => [a, data[a]]));
    try {
      checkMoney(currency, amounts);
    } catch (err) {
      toValidation(err);
    }
  }

  /** Creates a record through the generic `new` (models whose policy allows it). */
  async function create(ctx: ServiceContext, model: AdminModel, raw: RecordInput): Promise<Row> {
    const input = RecordInput.parse(raw);
    const action = `admin.${model}.new`;
    await requireAbility(deps, ctx, 'create', model, { action });
    const allowed = MODEL_POLICIES[model].create;
    if (!allowed) throw await refuse(ctx, model, 'new');
    const data = parseColumns(model, input, allowed);
    const missing = [...columnsOf(model).values()].filter(
      (c) =>
        allowed.includes(c.name) &&
        c.isRequired &&
        !c.isList &&
        !c.hasDefaultValue &&
        !c.isUpdatedAt &&
        (data[c.name] === undefined || data[c.name] === null),
    );
    for (const c of columnsOf(model).values())
      if (c.isList && allowed.includes(c.name) && data[c.name] === undefined) data[c.name] = [];
    if (missing.length)
      throw validation(missing.map((c) => ({ field: c.name, code: 'required', message: 'This field is required' })));
    checkMoneyOf(model, data);
    const tenantId = typeof data.tenantId === 'string' ? data.tenantId : null;
    return write(ctx, { action, resource: model, tenantId }, async (tx) => {
      const delegate = repo.delegate(tx, model);
      const created = await delegate.create({ data, ...omitOf(model) });
      // Conditions of the ability apply to new rows too: one outside it rolls back.
      const inScope = await delegate.findFirst({
        where: and(scope(ctx, 'create', model), { id: created.id }),
        select: { id: true },
      });
      if (!inScope) throw new Refusal('not_found');
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: tenantIdOf(model, created),
        action,
        resource: model,
        recordId: String(created.id),
        diff: diffRecords(null, created),
      });
      return created;
    });
  }

  /** The columns the actor may change on this row: the model's editable columns ∩ the ability's fields. */
  function permittedColumns(ctx: ServiceContext, model: AdminModel, row: Row): Set<string> {
    const editable = MODEL_POLICIES[model].edit;
    const fields = permittedFieldsOf(ctx.ability, 'update', caslSubject(model, { ...row }) as never, {
      fieldsFrom: (rule) => rule.fields ?? [...editable],
    });
    return new Set(editable.filter((f) => fields.includes(f)));
  }

  /** Updates a record through the generic `edit`: only changed, permitted columns are written. */
  async function update(ctx: ServiceContext, model: AdminModel, rawId: unknown, raw: RecordInput): Promise<Row> {
    const input = RecordInput.parse(raw);
    const action = `admin.${model}.edit`;
    const id = parseId(model, rawId);
    const recordId = textOf(rawId);
    await requireAbility(deps, ctx, 'update', model, { action, recordId });
    const policy = MODEL_POLICIES[model];
    if (!policy.edit.length) throw await refuse(ctx, model, 'edit', recordId);
    if (id === null) throw await deny(deps, ctx, { action, resource: model, recordId });
    const data = parseColumns(model, input, policy.edit);
    if (model === 'User' && data.status === 'CLOSED')
      throw validation([{ field: 'status', code: 'invalid', message: 'Users are closed through an erasure request' }]);
    const columns = columnsOf(model);
    return write(ctx, { action, resource: model, recordId }, async (tx) => {
      const delegate = repo.delegate(tx, model);
      const before = await delegate.findFirst({ where: and(scope(ctx, 'update', model), { id }), ...omitOf(model) });
      if (!before) {
        const readable = await delegate.findFirst({ where: and(scope(ctx, 'read', model), { id }), select: { id: true } });
        throw new Refusal(readable ? 'forbidden' : 'not_found');
      }
      const changes: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(data))
        if (!sameValue(columns.get(name)!, value, before[name])) changes[name] = value;
      const permitted = permittedColumns(ctx, model, before);
      const refused = Object.keys(changes).filter((f) => !permitted.has(f));
      if (refused.length)
        throw new Refusal(
          'forbidden',
          refused.map((field) => ({ field, code: 'not_permitted', message: 'You may not change this field' })),
        );
      checkMoneyOf(model, changes, before);
      if (model === 'StaffUser' && STAFF_SESSION_FIELDS.some((f) => f in changes)) {
        if (ctx.actor.type === 'STAFF' && ctx.actor.id === before.id)
          throw new Refusal('forbidden', [
            { field: 'role', code: 'not_permitted', message: 'Staff cannot change their own role' },
          ]);
        // The session carries the role: the member signs in again to get the new one.
        changes.sessionVersion = { increment: 1 };
      }
      if (Object.keys(changes).length) {
        const { count: n } = await delegate.updateMany({ where: and(scope(ctx, 'update', model), { id }), data: changes });
        if (n !== 1) throw new Refusal('not_found');
      }
      const after = (await delegate.findFirst({ where: { id }, ...omitOf(model) }))!;
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: tenantIdOf(model, before),
        action,
        resource: model,
        recordId: String(before.id),
        diff: diffRecords(before, after),
      });
      return after;
    });
  }

  /** Deletes one record (models whose policy allows deletion), within the ability. */
  async function remove(ctx: ServiceContext, model: AdminModel, rawId: unknown): Promise<Row> {
    const action = `admin.${model}.delete`;
    const recordId = textOf(rawId);
    await requireAbility(deps, ctx, 'delete', model, { action, recordId });
    if (!MODEL_POLICIES[model].delete) throw await refuse(ctx, model, 'delete', recordId);
    const id = parseId(model, rawId);
    if (id === null) throw await deny(deps, ctx, { action, resource: model, recordId });
    return write(ctx, { action, resource: model, recordId }, async (tx) => {
      const delegate = repo.delegate(tx, model);
      const before = await delegate.findFirst({ where: and(scope(ctx, 'delete', model), { id }), ...omitOf(model) });
      if (!before) {
        const readable = await delegate.findFirst({ where: and(scope(ctx, 'read', model), { id }), select: { id: true } });
        throw new Refusal(readable ? 'forbidden' : 'not_found');
      }
      const { count: n } = await delegate.deleteMany({ where: and(scope(ctx, 'delete', model), { id }) });
      if (n !== 1) throw new Refusal('not_found');
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: tenantIdOf(model, before),
        action,
        resource: model,
        recordId: String(before.id),
        diff: diffRecords(before, null),
      });
      return before;
    });
  }

  /**
   * Deletes several records in one transaction with one audit event. All or nothing: when any id
   * is outside the actor's ability nothing is deleted and the call answers not-found.
   */
  async function bulkRemove(ctx: ServiceContext, model: AdminModel, rawIds: unknown[]): Promise<Row[]> {
    const action = `admin.${model}.bulkDelete`;
    const requested = RecordIds.parse(rawIds.map(String));
    await requireAbility(deps, ctx, 'delete', model, { action });
    if (!MODEL_POLICIES[model].delete) throw await refuse(ctx, model, 'bulkDelete');
    const ids = [...new Set(requested.map((id) => parseId(model, id)))];
    if (ids.some((id) => id === null)) throw await deny(deps, ctx, { action, resource: model });
    return write(ctx, { action, resource: model }, async (tx) => {
      const delegate = repo.delegate(tx, model);
      const where = and(scope(ctx, 'delete', model), { id: { in: ids } });
      const before = await delegate.findMany({ where, ...omitOf(model) });
      if (before.length !== ids.length) throw new Refusal('not_found');
      const { count: n } = await delegate.deleteMany({ where });
      if (n !== ids.length) throw new Refusal('not_found');
      const tenants = [...new Set(before.map((r) => tenantIdOf(model, r)))];
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: tenants.length === 1 ? tenants[0] : null,
        action,
        resource: model,
        recordId: null,
        diff: { deleted: { from: before.map((r) => String(r.id)), to: null }, count: { from: before.length, to: 0 } },
      });
      return before;
    });
  }

  /** Whether the actor's role may perform `action` on the model at all (UI visibility). */
  const can = (ctx: ServiceContext, action: Action, model: AdminModel): boolean => ctx.ability.can(action, model);

  return { list, count, findOne, findMany, create, update, remove, bulkRemove, refuse, refuseMissing, can };
}
