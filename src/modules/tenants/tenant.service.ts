import type { Tenant } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { AppError, conflict } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import { diffRecords } from '../audit/audit.redact.js';
import type { outboxRepository } from '../outbox/outbox.repository.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { CoreDeps } from '../shared/deps.js';
import type { tenantRepository } from './tenant.repository.js';
import { CreateTenantInput, randomTenantSlug, TenantStatusChangeInput, UpdateTenantInput } from './tenant.schemas.js';

export type TenantService = ReturnType<typeof createTenantService>;

export function createTenantService(deps: CoreDeps & { tenants: typeof tenantRepository; outbox: typeof outboxRepository }) {
  const { db, audit, tenants, outbox } = deps;

  /** Creates a tenant with its default categories; the slug is unique. */
  async function create(ctx: ServiceContext, raw: CreateTenantInput): Promise<Tenant> {
    const input = CreateTenantInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'Tenant', { action: 'tenant.create' });
    try {
      return await db.write(ctx, async (s) => {
        const tenant = await tenants.create(s, { ...input, slug: input.slug ?? randomTenantSlug() });
        await tenants.createDefaultCategories(s, tenant.id);
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: tenant.id,
          action: 'tenant.create',
          resource: 'Tenant',
          recordId: tenant.id,
          diff: diffRecords(null, tenant),
        });
        return tenant;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('TENANT.SLUG_TAKEN');
      throw err;
    }
  }

  /** Finds a tenant by slug within the actor's ability, or throws NOT_FOUND. */
  async function requireBySlug(ctx: ServiceContext, slug: string): Promise<Tenant> {
    const tenant = await db.read(ctx, (s) => tenants.findVisibleBySlug(s, slug));
    if (!tenant) throw new AppError({ code: 'TENANT.NOT_FOUND', kind: 'NOT_FOUND' });
    return tenant;
  }

  async function changeStatus(
    ctx: ServiceContext,
    raw: TenantStatusChangeInput,
    transition: 'suspend' | 'reactivate',
  ): Promise<Tenant> {
    const input = TenantStatusChangeInput.parse(raw);
    const action = `tenant.${transition}`;
    await requireAbility(deps, ctx, transition, 'Tenant', { action, recordId: input.tenantId, reason: input.reason });
    const result = await db.write(ctx, async (s) => {
      const before = await tenants.lockVisible(s, input.tenantId, transition);
      if (!before) return null;
      const from = transition === 'suspend' ? 'ACTIVE' : 'SUSPENDED';
      if (before.status !== from) throw conflict(`TENANT.NOT_${from}`);
      const after = (await tenants.updateVisible(
        s,
        before.id,
        { status: transition === 'suspend' ? 'SUSPENDED' : 'ACTIVE', suspendedAt: transition === 'suspend' ? new Date() : null },
        transition,
      ))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.id,
        action,
        resource: 'Tenant',
        recordId: before.id,
        reason: input.reason,
        diff: diffRecords(before, after),
      });
      // Side effect through the outbox: the owner is told, at least once, after commit.
      if (transition === 'suspend')
        await outbox.enqueue(s, {
          tenantId: before.id,
          type: 'tenant.suspended',
          payload: { tenantId: before.id, reason: input.reason },
        });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'Tenant', recordId: input.tenantId, reason: input.reason });
    return result;
  }

  /** Changes a tenant's name or base currency within the ability; audited with its diff. */
  async function update(ctx: ServiceContext, id: string, raw: UpdateTenantInput): Promise<Tenant> {
    const input = UpdateTenantInput.parse(raw);
    const action = 'tenant.update';
    await requireAbility(deps, ctx, 'update', 'Tenant', { action, recordId: id });
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await tenants.lockVisible(s, id, 'update') : null;
      if (!before) return null;
      const after = (await tenants.updateVisible(s, id, input))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: id,
        action,
        resource: 'Tenant',
        recordId: id,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'Tenant', recordId: id });
    return result;
  }

  return {
    create,
    requireBySlug,
    update,
    /** Suspends an active tenant (reason required); its owner is notified through the outbox. */
    suspend: (ctx: ServiceContext, input: TenantStatusChangeInput) => changeStatus(ctx, input, 'suspend'),
    /** Reactivates a suspended tenant (reason required). */
    reactivate: (ctx: ServiceContext, input: TenantStatusChangeInput) => changeStatus(ctx, input, 'reactivate'),
  };
}
