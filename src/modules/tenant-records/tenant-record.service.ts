import type { z } from 'zod';
import type { ReadSession, WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, isAppError } from '../../lib/errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../lib/error-mapping.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, recordFailure, requireAbility } from '../shared/guard.js';
import { isUuid, refuseInvisible, resolveTenantForCreate, type TenantOwnedSubject } from '../shared/ledger.guard.js';

/** The repository a simple tenant-owned record needs (see tenant-owned.repository.ts). */
export interface TenantRecordRepository<Row> {
  findVisible(s: ReadSession, id: string, action?: 'read' | 'update' | 'delete'): Promise<Row | null>;
  findManyVisible(s: ReadSession, ids: string[], action?: 'read' | 'update' | 'delete'): Promise<Row[]>;
  lockVisible(s: WriteSession, id: string, action: 'update' | 'delete'): Promise<Row | null>;
  create(s: WriteSession, data: never): Promise<Row>;
  updateVisible(s: WriteSession, id: string, data: never): Promise<Row | null>;
  deleteVisible(s: WriteSession, id: string): Promise<boolean>;
  deleteManyVisible(s: WriteSession, ids: string[]): Promise<number>;
  unsafeFindTenantId(s: ReadSession, id: string): Promise<string | null>;
}

export interface TenantRecordDefinition<Row, C extends z.ZodType, U extends z.ZodType> {
  subject: TenantOwnedSubject;
  /** Audit action prefix, e.g. `asset` → `asset.create`, `asset.update`, `asset.delete`. */
  resource: string;
  repository: TenantRecordRepository<Row>;
  createSchema: C;
  updateSchema: U;
  /** Rules that need the database or the record as it is (currency scale, a parent in the same tenant). */
  checkCreate?: (s: WriteSession, input: z.output<C>) => Promise<void>;
  checkUpdate?: (s: WriteSession, before: Row, input: z.output<U>) => Promise<void> | void;
  /** Rules a delete must meet (e.g. an account with ledger entries is archived, not deleted). */
  checkDelete?: (s: WriteSession, before: Row) => Promise<void> | void;
  /** The error when a delete is refused because other rows refer to the record. */
  inUseCode?: string;
  /** The error when a unique index refuses a create or update (two writers of one name). */
  uniqueCode?: string;
}

/**
 * Create / update / delete of a simple tenant-owned record, the same way for every such model:
 * input parsed by the model's zod schema, the ability checked (refusals audited DENIED, records
 * outside it answer 404), the change and its one audit event in one transaction.
 */
export function createTenantRecordService<Row extends { id: string; tenantId: string }, C extends z.ZodType, U extends z.ZodType>(
  deps: CoreDeps,
  def: TenantRecordDefinition<Row, C, U>,
) {
  const { db, audit } = deps;
  const repo = def.repository;

  /** Maps what the database refused to the model's conflict codes. */
  const mapped = (err: unknown): unknown => {
    if (def.uniqueCode && isUniqueViolation(err)) return conflict(def.uniqueCode);
    if (isForeignKeyViolation(err)) return conflict(def.inUseCode ?? `${def.subject.toUpperCase()}.IN_USE`);
    return err;
  };

  /** A refused change (a conflict) is evidence too: audited FAILURE, then thrown. */
  const failed = async (ctx: ServiceContext, action: string, recordId: string | null, tenantId: string | null, err: unknown) => {
    const error = mapped(err);
    if (isAppError(error) && error.kind === 'CONFLICT')
      throw await recordFailure(deps, ctx, { action, resource: def.subject, recordId, tenantId }, error);
    throw error;
  };

  /** One record within the actor's ability; NOT_FOUND otherwise (audited when another tenant's). */
  async function get(ctx: ServiceContext, id: string): Promise<Row> {
    const found = isUuid(id) ? await db.read(ctx, (s) => repo.findVisible(s, id)) : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: `${def.resource}.read`, resource: def.subject, recordId: id }, (s) =>
        repo.unsafeFindTenantId(s, id),
      );
    return found;
  }

  /** Creates the record in the given tenant (the actor must be allowed to create there). */
  async function create(ctx: ServiceContext, raw: z.input<C>, options: WriteOptions = {}): Promise<Row> {
    const input = def.createSchema.parse(raw) as z.output<C> & { tenantId: string };
    const action = `${def.resource}.create`;
    const tenantId = await resolveTenantForCreate(deps, ctx, def.subject, input.tenantId, action);
    return db
      .write(
        ctx,
        async (s) => {
          await def.checkCreate?.(s, input);
          const created = await repo.create(s, { ...input, tenantId } as never);
          await audit.record(s, {
            ...actorFields(ctx),
            tenantId,
            action,
            resource: def.subject,
            recordId: created.id,
            diff: diffRecords(null, created),
          });
          return created;
        },
        options,
      )
      .catch((err: unknown) => {
        throw mapped(err);
      });
  }

  /** Changes the record within the ability; audited with its diff. */
  async function update(ctx: ServiceContext, id: string, raw: z.input<U>): Promise<Row> {
    const input = def.updateSchema.parse(raw);
    const action = `${def.resource}.update`;
    await requireAbility(deps, ctx, 'update', def.subject, { action, recordId: id });
    let tenantId: string | null = null;
    const result = await db
      .write(ctx, async (s) => {
        const before = isUuid(id) ? await repo.lockVisible(s, id, 'update') : null;
        if (!before) return null;
        tenantId = before.tenantId;
        await def.checkUpdate?.(s, before, input);
        const after = (await repo.updateVisible(s, id, input as never))!;
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: before.tenantId,
          action,
          resource: def.subject,
          recordId: id,
          diff: diffRecords(before, after),
        });
        return after;
      })
      .catch((err: unknown) => failed(ctx, action, id, tenantId, err));
    if (!result) throw await deny(deps, ctx, { action, resource: def.subject, recordId: id });
    return result;
  }

  /** Deletes the record within the ability (409 when other rows still refer to it). */
  async function remove(ctx: ServiceContext, id: string): Promise<Row> {
    const action = `${def.resource}.delete`;
    await requireAbility(deps, ctx, 'delete', def.subject, { action, recordId: id });
    let result: Row | null;
    let tenantId: string | null = null;
    try {
      result = await db.write(ctx, async (s) => {
        const before = isUuid(id) ? await repo.lockVisible(s, id, 'delete') : null;
        if (!before) return null;
        tenantId = before.tenantId;
        await def.checkDelete?.(s, before);
        await repo.deleteVisible(s, id);
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: before.tenantId,
          action,
          resource: def.subject,
          recordId: id,
          diff: diffRecords(before, null),
        });
        return before;
      });
    } catch (err) {
      return failed(ctx, action, id, tenantId, err);
    }
    if (!result) throw await deny(deps, ctx, { action, resource: def.subject, recordId: id });
    return result;
  }

  /**
   * Deletes several records in one transaction with one audit event. All or nothing: when any id
   * is unknown or outside the ability nothing is deleted and the call answers not-found (audited).
   */
  async function removeMany(ctx: ServiceContext, rawIds: string[]): Promise<Row[]> {
    const action = `${def.resource}.bulk_delete`;
    const ids = [...new Set(rawIds.map((id) => id.trim().toLowerCase()))];
    await requireAbility(deps, ctx, 'delete', def.subject, { action });
    const valid = ids.length > 0 && ids.length <= 500 && ids.every(isUuid);
    let result: Row[] | null;
    try {
      result = !valid
        ? null
        : await db.write(ctx, async (s) => {
            const before = await repo.findManyVisible(s, ids, 'delete');
            if (before.length !== ids.length) return null;
            for (const row of before) await def.checkDelete?.(s, row);
            if ((await repo.deleteManyVisible(s, ids)) !== ids.length) return null;
            const tenants = [...new Set(before.map((r) => r.tenantId))];
            await audit.record(s, {
              ...actorFields(ctx),
              tenantId: tenants.length === 1 ? tenants[0]! : null,
              action,
              resource: def.subject,
              recordId: null,
              diff: { deleted: { from: before.map((r) => r.id), to: null }, count: { from: before.length, to: 0 } },
            });
            return before;
          });
    } catch (err) {
      return failed(ctx, action, null, null, err);
    }
    if (!result) throw await deny(deps, ctx, { action, resource: def.subject, recordId: ids.join(',').slice(0, 200) });
    return result;
  }

  return { get, create, update, remove, removeMany };
}
