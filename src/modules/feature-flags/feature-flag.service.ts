import type { FeatureFlag, Prisma } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, notFound, validation } from '../../lib/errors.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility, scope } from '../shared/guard.js';
import { isEnabled } from './feature-flag.evaluate.js';
import { CreateFeatureFlagInput, DeleteFeatureFlagInput, UpdateFeatureFlagInput } from './feature-flag.schemas.js';

export type FeatureFlagService = ReturnType<typeof createFeatureFlagService>;

/**
 * Feature flags: managed by ENGINEER and SUPERADMIN (every change audited with its diff), read
 * by whoever the ability lets read them, evaluated by `isEnabled` only.
 */
export function createFeatureFlagService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  async function requireKnownTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
    if (!tenantIds.length) return;
    const unique = [...new Set(tenantIds)];
    const found = await tx.tenant.count({ where: { id: { in: unique } } });
    if (found !== unique.length)
      throw validation([{ field: 'tenantIds', code: 'not_found', message: 'Unknown tenant in the list' }]);
  }

  const record = (tx: Tx, ctx: ServiceContext, action: string, id: string, reason: string | undefined, diff: object) =>
    audit.record(tx, {
      ...actorFields(ctx),
      action,
      resource: 'FeatureFlag',
      recordId: id,
      reason: reason ?? null,
      diff: diff as Record<string, unknown>,
    });

  /** Flags the actor may read, by key. */
  async function list(ctx: ServiceContext): Promise<FeatureFlag[]> {
    return prisma.featureFlag.findMany({ where: scope(ctx, 'read', 'FeatureFlag'), orderBy: { key: 'asc' } });
  }

  /** One flag (by id or key) the actor may read, or NOT_FOUND. */
  async function get(ctx: ServiceContext, idOrKey: string): Promise<FeatureFlag> {
    const by = /^[0-9a-f-]{36}$/i.test(idOrKey) ? { id: idOrKey } : { key: idOrKey };
    const flag = await prisma.featureFlag.findFirst({ where: { AND: [scope(ctx, 'read', 'FeatureFlag'), by] } });
    if (!flag) throw notFound('feature_flag');
    return flag;
  }

  /** Creates a flag (audited `feature_flag.create`); keys are unique. */
  async function create(ctx: ServiceContext, raw: CreateFeatureFlagInput): Promise<FeatureFlag> {
    const input = CreateFeatureFlagInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'FeatureFlag', { action: 'feature_flag.create', reason: input.reason });
    const { reason, ...data } = input;
    try {
      return await prisma.$transaction(async (tx) => {
        await requireKnownTenants(tx, data.tenantIds);
        const flag = await tx.featureFlag.create({ data: { ...data, tenantIds: [...new Set(data.tenantIds)] } });
        await record(tx, ctx, 'feature_flag.create', flag.id, reason, diffRecords(null, flag));
        return flag;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict('FEATURE_FLAG.KEY_TAKEN');
      throw err;
    }
  }

  /** Changes a flag (audited `feature_flag.update` with the diff); out of scope answers NOT_FOUND. */
  async function update(ctx: ServiceContext, raw: UpdateFeatureFlagInput): Promise<FeatureFlag> {
    const input = UpdateFeatureFlagInput.parse(raw);
    const info = { action: 'feature_flag.update', recordId: input.id, reason: input.reason };
    await requireAbility(deps, ctx, 'update', 'FeatureFlag', info);
    const { id, reason, ...changes } = input;
    const result = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "FeatureFlag" WHERE "id" = ${id}::uuid FOR UPDATE`;
      const before = await tx.featureFlag.findFirst({ where: { AND: [scope(ctx, 'update', 'FeatureFlag'), { id }] } });
      if (!before) return null;
      const startsAt = changes.startsAt === undefined ? before.startsAt : changes.startsAt;
      const endsAt = changes.endsAt === undefined ? before.endsAt : changes.endsAt;
      if (startsAt && endsAt && startsAt >= endsAt)
        throw validation([{ field: 'endsAt', code: 'invalid', message: 'endsAt must be after startsAt' }]);
      if (changes.tenantIds) await requireKnownTenants(tx, changes.tenantIds);
      const data: Prisma.FeatureFlagUpdateInput = {};
      for (const [k, v] of Object.entries(changes)) if (v !== undefined) (data as Record<string, unknown>)[k] = v;
      if (changes.tenantIds) data.tenantIds = [...new Set(changes.tenantIds)];
      const after = await tx.featureFlag.update({ where: { id }, data });
      await record(tx, ctx, 'feature_flag.update', id, reason, diffRecords(before, after));
      return after;
    });
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'FeatureFlag' });
    return result;
  }

  /** Deletes a flag (audited `feature_flag.delete`); evaluation of a missing flag is "off". */
  async function remove(ctx: ServiceContext, raw: DeleteFeatureFlagInput): Promise<void> {
    const input = DeleteFeatureFlagInput.parse(raw);
    const info = { action: 'feature_flag.delete', recordId: input.id, reason: input.reason };
    await requireAbility(deps, ctx, 'delete', 'FeatureFlag', info);
    const done = await prisma.$transaction(async (tx) => {
      const before = await tx.featureFlag.findFirst({ where: { AND: [scope(ctx, 'delete', 'FeatureFlag'), { id: input.id }] } });
      if (!before) return false;
      await tx.featureFlag.delete({ where: { id: before.id } });
      await record(tx, ctx, 'feature_flag.delete', before.id, input.reason, diffRecords(before, null));
      return true;
    });
    if (!done) throw await deny(deps, ctx, { ...info, resource: 'FeatureFlag' });
  }

  /** Is the flag `key` on for this tenant now? Reads the flag and applies `isEnabled`; unknown keys are off. */
  async function evaluate(key: string, context: { tenantId?: string | null; now?: Date } = {}): Promise<boolean> {
    const flag = await prisma.featureFlag.findUnique({ where: { key } });
    return isEnabled(flag, context);
  }

  return { list, get, create, update, remove, evaluate, isEnabled };
}
