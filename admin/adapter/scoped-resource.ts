import { BaseRecord, BaseResource, flat, type ActionContext, type BaseProperty, type Filter, type ParamsType } from 'adminjs';
import type { ServiceContext } from '../../src/lib/context.js';
import { displayMoney } from '../../src/lib/money.js';
import { MODEL_POLICIES, MONEY_COLUMNS, type AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { FilterClause } from '../../src/modules/admin-records/admin-records.schemas.js';
import type { Row, SharedLookups, TextLookups } from '../../src/modules/admin-records/admin-records.service.js';
import { modelMeta, type FieldMeta } from '../../src/modules/admin-records/model-metadata.js';
import type { Runtime } from '../../src/runtime.js';
import type { Services } from '../../src/services.js';
import { callService } from './errors.js';
import { validation } from '../../src/lib/errors.js';
import { sameValue } from '../../src/modules/admin-records/admin-records.coerce.js';
import { ScopedProperty } from './scoped-property.js';
import { serviceContextFor } from './staff-context.js';

/** Creating these goes through their domain service (password policy, default rows, grants). */
export type CreateHandler = (ctx: ServiceContext, input: Record<string, unknown>) => Promise<Row>;
/** Changes that go through a domain service instead of the generic one. */
export type UpdateHandler = (ctx: ServiceContext, id: string, input: Record<string, unknown>) => Promise<Row>;
export type DeleteHandler = (ctx: ServiceContext, id: string) => Promise<unknown>;
export type BulkDeleteHandler = (ctx: ServiceContext, ids: string[]) => Promise<unknown>;

export interface ScopedResourceOptions {
  model: AdminModel;
  runtime: Pick<Runtime, 'prisma'>;
  services: Services;
  /** Creation through a domain service instead of the generic one. */
  create?: CreateHandler;
  update?: UpdateHandler;
  delete?: DeleteHandler;
  bulkDelete?: BulkDeleteHandler;
  /** The columns the update handler accepts (its schema's fields); a change to any other is refused. */
  updateFields?: readonly string[];
  /** Extra (virtual) properties the adapter fills in, e.g. formatted money. */
  virtual?: BaseProperty[];
}

/** Action contexts (one per request) whose own record or selection has been looked up. */
const resolvedContexts = new WeakSet<ActionContext>();

/** Text-filter lookups of one request (an action context): its list page and its count share them. */
const requestLookups = new WeakMap<ActionContext, TextLookups>();
const lookupsOf = (context: ActionContext | undefined): SharedLookups => {
  if (!context) return {};
  let textLookups = requestLookups.get(context);
  if (!textLookups) requestLookups.set(context, (textLookups = new Map()));
  return { textLookups };
};

/** Name of the formatted-money virtual property of an amount column. */
export const formattedName = (column: string): string => `${column}Formatted`;

/**
 * An AdminJS resource over one model that reads and writes only through the scoped admin record
 * service: every find, count, findOne, findMany, create, update and delete carries the signed-in
 * staff member's ability in the query. Described with @adminjs/prisma's property class from the
 * full DMMF, but deliberately not an @adminjs/prisma Resource: it keeps no `model`/`client`
 * fields, so a registered stock adapter can never claim (and unscope) it.
 */
export class ScopedResource extends BaseResource {
  readonly modelName: AdminModel;
  readonly #runtime: Pick<Runtime, 'prisma'>;
  readonly #services: Services;
  readonly #create: CreateHandler | undefined;
  readonly #update: UpdateHandler | undefined;
  readonly #delete: DeleteHandler | undefined;
  readonly #bulkDelete: BulkDeleteHandler | undefined;
  readonly #updateFields: ReadonlySet<string> | undefined;
  readonly #properties: Map<string, BaseProperty>;
  readonly #columns: Map<string, FieldMeta>;

  constructor(options: ScopedResourceOptions) {
    super(options);
    this.modelName = options.model;
    this.#runtime = options.runtime;
    this.#services = options.services;
    this.#create = options.create;
    this.#update = options.update;
    this.#delete = options.delete;
    this.#bulkDelete = options.bulkDelete;
    this.#updateFields = options.updateFields ? new Set(options.updateFields) : undefined;
    const policy = MODEL_POLICIES[options.model];
    const meta = modelMeta(options.model);
    this.#columns = new Map(meta.fields.map((f) => [f.name, f]));
    this.#properties = new Map();
    const sortable = new Set(policy.sortable);
    meta.fields.forEach((field) => {
      // Foreign-key columns are shown through their relation; back-relations and secrets not at all.
      if (
        field.isReadOnly ||
        (field.kind === 'object' && !field.relationFromFields?.length) ||
        policy.hidden.includes(field.name)
      )
        return;
      if (field.kind === 'object' && (field.relationFromFields?.length ?? 0) > 1) return;
      const column = field.kind === 'object' ? field.relationFromFields![0]! : field.name;
      const property = new ScopedProperty(field, this.#properties.size, { sortable: sortable.has(column) });
      this.#properties.set(property.path(), property);
    });
    for (const property of options.virtual ?? []) this.#properties.set(property.path(), property);
  }

  override databaseName(): string {
    return 'postgresql';
  }

  override databaseType(): string {
    return 'postgresql';
  }

  override id(): string {
    return this.modelName;
  }

  override properties(): BaseProperty[] {
    return [...this.#properties.values()];
  }

  override property(path: string): BaseProperty | null {
    return this.#properties.get(path) ?? null;
  }

  override build(params: Record<string, unknown>): BaseRecord {
    return new BaseRecord(flat.unflatten(params), this);
  }

  #ctx(context?: ActionContext): Promise<ServiceContext> {
    return serviceContextFor(this.#services, context);
  }

  /** The column a property path reads (`account` → `accountId`), or null for virtual/nested paths. */
  columnOf(path: string): string | null {
    const property = this.#properties.get(path);
    if (property instanceof ScopedProperty) return property.columnName();
    return this.#columns.has(path) && this.#columns.get(path)!.kind !== 'object' ? path : null;
  }

  /** AdminJS's filter as the service's neutral clauses (the service validates and coerces them). */
  toClauses(filter: Filter | undefined | null): FilterClause[] {
    const clauses: FilterClause[] = [];
    for (const { path, value } of Object.values(filter?.filters ?? {}) as Array<{ path: string; value: unknown }>) {
      const column = this.columnOf(path) ?? path;
      const field = this.#columns.get(column);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const range = value as { from?: unknown; to?: unknown };
        if (range.from) clauses.push({ field: column, op: 'gte', value: range.from });
        if (range.to) clauses.push({ field: column, op: 'lte', value: range.to });
        continue;
      }
      if (value === '' || value === undefined || value === null) continue;
      const isText = field?.type === 'String' && field.kind === 'scalar' && field.nativeType?.[0] !== 'Uuid' && !field.isList;
      clauses.push({ field: column, op: isText ? 'contains' : 'equals', value });
    }
    return clauses;
  }

  /** A service row as AdminJS params: references under their property path, money as text. */
  toParams(row: Row, ctx: ServiceContext): ParamsType {
    const params: Record<string, unknown> = {};
    for (const [path, property] of this.#properties) {
      if (!(property instanceof ScopedProperty)) continue;
      const value = row[property.columnName()];
      if (value === undefined) continue;
      params[path] = plain(value);
    }
    const money = MONEY_COLUMNS[this.modelName];
    if (money) {
      const currency = row[money.currency];
      for (const amount of money.amounts) {
        const value = row[amount];
        const text = plain(value);
        if (typeof text === 'string' && typeof currency === 'string') {
          // A money movement reads with its sign: debits negative, credits positive.
          const direction = row.direction;
          const shown = displayMoney(direction === 'DEBIT' ? `-${text.replace(/^-/, '')}` : text, currency.trim(), ctx.locale);
          params[formattedName(amount)] = direction === 'CREDIT' ? `+${shown}` : shown;
        }
      }
    }
    if (row.personalDataMasked) params.personalDataMasked = true;
    return params;
  }

  /** AdminJS params (flattened) as service input: references under their column names. */
  toInput(params: Record<string, unknown>): Record<string, unknown> {
    const unflat = flat.unflatten(params ?? {}) as Record<string, unknown>;
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(unflat)) input[this.columnOf(key) ?? key] = value;
    return input;
  }

  #record(row: Row, ctx: ServiceContext): BaseRecord {
    return new BaseRecord(this.toParams(row, ctx), this);
  }

  override async count(filter: Filter, context?: ActionContext): Promise<number> {
    const ctx = await this.#ctx(context);
    const { count, capped } = await callService(() =>
      this.#services.adminRecords.count(ctx, this.modelName, { filters: this.toClauses(filter) }, lookupsOf(context)),
    );
    // One more than the cap tells the list "10,000+" without a full count.
    return capped ? count + 1 : count;
  }

  override async find(
    filter: Filter,
    options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {},
    context?: ActionContext,
  ): Promise<BaseRecord[]> {
    const ctx = await this.#ctx(context);
    const sortBy = options.sort?.sortBy;
    const rows = await callService(() =>
      this.#services.adminRecords.list(
        ctx,
        this.modelName,
        {
          filters: this.toClauses(filter),
          sort: sortBy
            ? { field: this.columnOf(sortBy) ?? sortBy, direction: options.sort?.direction === 'asc' ? 'asc' : 'desc' }
            : undefined,
          take: Math.max(1, Math.min(Number(options.limit) || 10, 500)),
          skip: Math.max(0, Number(options.offset) || 0),
        },
        lookupsOf(context),
      ),
    );
    return rows.map((row) => this.#record(row, ctx));
  }

  /**
   * The record or bulk action whose own record lookup this is, or undefined. Only the first
   * lookup of this resource under that action's context qualifies: later ones under the same
   * context (AdminJS populating a self-reference, filter labels, other resources' references)
   * are internal lookups, not the staff member's request, and are never audited as refusals.
   */
  #ownLookup(context: ActionContext | undefined, kind: 'record' | 'bulk'): ActionContext['action'] | undefined {
    const action = context?.resource === this ? context.action : undefined;
    if (!context || !action || (kind === 'record' ? !action.isRecordType() : !action.isBulkType())) return undefined;
    if (resolvedContexts.has(context)) return undefined;
    resolvedContexts.add(context);
    return action;
  }

  /**
   * One record within the actor's ability. For a record action's own record (show, edit, delete,
   * custom actions), missing or out of scope answers 404 and the attempt is audited as DENIED,
   * whether or not it exists; any other lookup just finds nothing.
   */
  override async findOne(id: string, context?: ActionContext): Promise<BaseRecord | null> {
    const ctx = await this.#ctx(context);
    const action = this.#ownLookup(context, 'record');
    const row = await this.#services.adminRecords.findOne(ctx, this.modelName, id, { audit: action?.name === 'show' });
    if (row) return this.#record(row, ctx);
    if (action) throw await this.#services.adminRecords.refuseMissing(ctx, this.modelName, action.name, String(id));
    return null;
  }

  /**
   * Records among `ids` within the ability (reference names). For a bulk action's own selection
   * it is all or nothing: one id outside the ability answers 404 (audited as a DENIED attempt).
   */
  override async findMany(ids: Array<string | number>, context?: ActionContext): Promise<BaseRecord[]> {
    const ctx = await this.#ctx(context);
    const action = this.#ownLookup(context, 'bulk');
    const rows = await this.#services.adminRecords.findMany(ctx, this.modelName, ids);
    if (action && rows.length < new Set(ids.map(String)).size)
      throw await this.#services.adminRecords.refuseMissing(ctx, this.modelName, action.name, ids.map(String).join(','));
    return rows.map((row) => this.#record(row, ctx));
  }

  override async create(params: Record<string, unknown>, context?: ActionContext): Promise<ParamsType> {
    const ctx = await this.#ctx(context);
    const input = this.toInput(params);
    const create = this.#create;
    if (!create) throw await this.#services.adminRecords.refuse(ctx, this.modelName, 'new');
    const row = await callService(() => create(ctx, input), input);
    return this.toParams(row, ctx);
  }

  override async update(id: string, params: Record<string, unknown>, context?: ActionContext): Promise<ParamsType> {
    const ctx = await this.#ctx(context);
    const input = this.toInput(params);
    await this.#refuseFixedChanges(ctx, id, input);
    const update = this.#update;
    if (!update) throw await this.#services.adminRecords.refuse(ctx, this.modelName, 'edit', id);
    const row = await callService(() => update(ctx, id, input), input);
    return this.toParams(row, ctx);
  }

  /**
   * The edit form carries every field of the record; a changed value in a field the service does
   * not accept on update (a fixed currency, an account's type) is refused with a field error
   * instead of being silently dropped.
   */
  async #refuseFixedChanges(ctx: ServiceContext, id: string, input: Record<string, unknown>): Promise<void> {
    const accepted = this.#updateFields;
    if (!accepted) return;
    const fixed = Object.keys(input).filter(
      (column) => this.#columns.has(column) && !accepted.has(column) && !['id', 'createdAt', 'updatedAt'].includes(column),
    );
    if (!fixed.length) return;
    // AdminJS has already merged the form into its record: compare with the record as stored.
    const current = await this.#services.adminRecords.findOne(ctx, this.modelName, id);
    if (!current) return; // the service answers not-found itself
    const problems = fixed
      .filter((column) => {
        const value = input[column];
        return !sameValue(this.#columns.get(column)!, value === '' ? null : value, current[column] ?? null);
      })
      .map((field) => ({ field, code: 'not_editable', message: 'This field cannot be changed' }));
    if (problems.length) throw validation(problems);
  }

  override async delete(id: string, context?: ActionContext): Promise<void> {
    const ctx = await this.#ctx(context);
    const remove = this.#delete;
    if (!remove) throw await this.#services.adminRecords.refuse(ctx, this.modelName, 'delete', id);
    await callService(() => remove(ctx, id));
  }

  /** Deletes a selection in one transaction, with one audit event (all or nothing). */
  async bulkDelete(ids: string[], context?: ActionContext): Promise<void> {
    const ctx = await this.#ctx(context);
    const removeMany = this.#bulkDelete;
    if (!removeMany) throw await this.#services.adminRecords.refuse(ctx, this.modelName, 'bulkDelete');
    await callService(() => removeMany(ctx, ids));
  }

  /** The service context of this call (custom actions use it to call domain services). */
  serviceContext(context?: ActionContext): Promise<ServiceContext> {
    return this.#ctx(context);
  }

  /** A record as AdminJS shows it, from a service row (custom actions' responses). */
  recordFromRow(row: Row, ctx: ServiceContext): BaseRecord {
    return this.#record(row, ctx);
  }
}

/** Values AdminJS can carry: money and big integers as text (never a float). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && !(value instanceof Date) && 'toFixed' in value && typeof value.toFixed === 'function')
    return (value as { toString(): string }).toString();
  return value;
}
