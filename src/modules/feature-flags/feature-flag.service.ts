import type { FeatureFlag, Prisma } from '@prisma/client';
import type { ReadSession, WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { conflict, notFound, validation } from '../../lib/errors.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isEnabled } from './feature-flag.evaluate.js';
import type { featureFlagRepository } from './feature-flag.repository.js';
import {
  CreateFeatureFlagInput,
  DeleteFeatureFlagInput,
  DeleteFeatureFlagsInput,
  UpdateFeatureFlagInput,
} from './feature-flag.schemas.js';

export type FeatureFlagService = ReturnType<typeof createFeatureFlagService>;

/**
 * Feature flags: managed by ENGINEER and SUPERADMIN (every change audited with its diff), read
 * by whoever the ability lets read them, evaluated by `isEnabled` only.
 */
export function createFeatureFlagService(deps: Pick<CoreDeps, 'db' | 'audit'> & { flags: typeof featureFlagRepository }) {
  const { db, audit, flags } = deps;
  // Evaluation answers "is it on for this tenant", for any caller: the system reads the flag.
  const evaluationContext = buildSystemContext('feature-flags:evaluate', ALL_TENANTS, { correlationId: 'feature-flag-evaluate' });

  async function requireKnownTenants(s: ReadSession, tenantIds: readonly string[]): Promise<void> {
    if (!tenantIds.length) return;
    const unique = [...new Set(tenantIds)];
    if ((await flags.countVisibleTenants(s, unique)) !== unique.length)
      throw validation([{ field: 'tenantIds', code: 'not_found', message: 'Unknown tenant in the list' }]);
  }

  const record = (s: WriteSession, action: string, id: string, reason: string | undefined, diff: object) =>
    audit.record(s, {
      ...actorFields(s.ctx),
      action,
      resource: 'FeatureFlag',
      recordId: id,
      reason: reason ?? null,
      diff: diff as Record<string, unknown>,
    });

  /** Flags the actor may read, by key. */
  async function list(ctx: ServiceContext): Promise<FeatureFlag[]> {
    return db.read(ctx, (s) => flags.listVisible(s));
  }

  /** One flag (by id or key) the actor may read, or NOT_FOUND. */
  async function get(ctx: ServiceContext, idOrKey: string): Promise<FeatureFlag> {
    const by = /^[0-9a-f-]{36}$/i.test(idOrKey) ? { id: idOrKey } : { key: idOrKey };
    const flag = await db.read(ctx, (s) => flags.findVisible(s, by));
    if (!flag) throw notFound('feature_flag');
    return flag;
  }

  /** Creates a flag (audited `feature_flag.create`); keys are unique. */
  async function create(ctx: ServiceContext, raw: CreateFeatureFlagInput): Promise<FeatureFlag> {
    const input = CreateFeatureFlagInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'FeatureFlag', { action: 'feature_flag.create', reason: input.reason });
    const { reason, ...data } = input;
    try {
      return await db.write(ctx, async (s) => {
        await requireKnownTenants(s, data.tenantIds);
        const flag = await flags.create(s, { ...data, tenantIds: [...new Set(data.tenantIds)] });
        await record(s, 'feature_flag.create', flag.id, reason, diffRecords(null, flag));
        return flag;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('FEATURE_FLAG.KEY_TAKEN');
      throw err;
    }
  }

  /** Changes a flag (audited `feature_flag.update` with the diff); out of scope answers NOT_FOUND. */
  async function update(ctx: ServiceContext, raw: UpdateFeatureFlagInput, options: WriteOptions = {}): Promise<FeatureFlag> {
    const input = UpdateFeatureFlagInput.parse(raw);
    const info = { action: 'feature_flag.update', recordId: input.id, reason: input.reason };
    await requireAbility(deps, ctx, 'update', 'FeatureFlag', info);
    const { id, reason, ...changes } = input;
    const result = await db.write(
      ctx,
      async (s) => {
        const before = await flags.lockVisible(s, id, 'update');
        if (!before) return null;
        const startsAt = changes.startsAt === undefined ? before.startsAt : changes.startsAt;
        const endsAt = changes.endsAt === undefined ? before.endsAt : changes.endsAt;
        if (startsAt && endsAt && startsAt >= endsAt)
          throw validation([{ field: 'endsAt', code: 'invalid', message: 'endsAt must be after startsAt' }]);
        if (changes.tenantIds) await requireKnownTenants(s, changes.tenantIds);
        const data: Prisma.FeatureFlagUpdateManyMutationInput = {};
        for (const [k, v] of Object.entries(changes)) if (v !== undefined) (data as Record<string, unknown>)[k] = v;
        if (changes.tenantIds) data.tenantIds = [...new Set(changes.tenantIds)];
        const after = (await flags.updateVisible(s, id, data))!;
        await record(s, 'feature_flag.update', id, reason, diffRecords(before, after));
        return after;
      },
      options,
    );
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'FeatureFlag' });
    return result;
  }

  /**
   * Deletes flags, all or nothing: when any id is not one the actor may delete, nothing is
   * deleted and the call answers not-found (audited as DENIED). Each deleted flag is audited
   * `feature_flag.delete` with its last state; evaluation of a missing flag is "off".
   */
  async function removeMany(ctx: ServiceContext, rawIds: string[], rawReason?: string): Promise<FeatureFlag[]> {
    const { ids, reason } = DeleteFeatureFlagsInput.parse({ ids: rawIds, reason: rawReason });
    const unique = [...new Set(ids)];
    const info = { action: 'feature_flag.delete', recordId: unique.length === 1 ? unique[0]! : null, reason };
    await requireAbility(deps, ctx, 'delete', 'FeatureFlag', info);
    const removed = await db.write(ctx, async (s) => {
      const before = await flags.lockDeletable(s, unique);
      if (before.length !== unique.length) return null;
      await flags.deleteVisible(s, unique);
      for (const flag of before) await record(s, 'feature_flag.delete', flag.id, reason, diffRecords(flag, null));
      return before;
    });
    if (!removed) throw await deny(deps, ctx, { ...info, resource: 'FeatureFlag' });
    return removed;
  }

  /** Deletes a flag (audited `feature_flag.delete`); evaluation of a missing flag is "off". */
  async function remove(ctx: ServiceContext, raw: DeleteFeatureFlagInput): Promise<void> {
    const input = DeleteFeatureFlagInput.parse(raw);
    await removeMany(ctx, [input.id], input.reason);
  }

  /** Is the flag `key` on for this tenant now? Reads the flag and applies `isEnabled`; unknown keys are off. */
  async function evaluate(key: string, context: { tenantId?: string | null; now?: Date } = {}): Promise<boolean> {
    const flag = await db.read(evaluationContext, (s) => flags.findVisible(s, { key }));
    return isEnabled(flag, context);
  }

  return { list, get, create, update, remove, removeMany, evaluate, isEnabled };
}
