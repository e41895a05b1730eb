import type { Tenant } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, conflict } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import { diffRecords } from '../audit/audit.redact.js';
import { deny, requireAbility, scope } from '../shared/guard.js';
import type { CoreDeps } from '../shared/deps.js';
import { tenantRepository } from './tenant.repository.js';
import { CreateTenantInput, TenantStatusChangeInput } from './tenant.schemas.js';

export type TenantService = ReturnType<typeof createTenantService>;

export function createTenantService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  /** Creates a tenant with its default categories; the slug is unique. */
  async function create(ctx: ServiceContext, raw: CreateTenantInput): Promise<Tenant> {
    const input = CreateTenantInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'Tenant', { action: 'tenant.create' });
    try {
      return await prisma.$transaction(async (tx) => {
        const tenant = await tenantRepository.create(tx, input);
        await tenantRepository.createDefaultCategories(tx, tenant.id);
        await audit.record(tx, {
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
      if ((err as { code?: string }).code === 'P2002') throw conflict('TENANT.SLUG_TAKEN');
      throw err;
    }
  }

  /** Finds a tenant by slug within the actor's ability, or throws NOT_FOUND. */
  async function requireBySlug(ctx: ServiceContext, slug: string): Promise<Tenant> {
    const tenant = await prisma.tenant.findFirst({ where: { AND: [scope(ctx, 'read', 'Tenant'), { slug }] } });
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
    const result = await prisma.$transaction(async (tx) => {
      await tenantRepository.lockById(tx, input.tenantId);
      const before = await tenantRepository.findFirst(tx, { AND: [scope(ctx, transition, 'Tenant'), { id: input.tenantId }] });
      if (!before) return null;
      const from = transition === 'suspend' ? 'ACTIVE' : 'SUSPENDED';
      if (before.status !== from) throw conflict(`TENANT.NOT_${from}`);
      const after = await tenantRepository.update(tx, before.id, {
        status: transition === 'suspend' ? 'SUSPENDED' : 'ACTIVE',
        suspendedAt: transition === 'suspend' ? new Date() : null,
      });
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: before.id,
        action,
        resource: 'Tenant',
        recordId: before.id,
        reason: input.reason,
        diff: diffRecords(before, after),
      });
      if (transition === 'suspend') {
        // Side effect through the outbox: the owner is told, at least once, after commit.
        await tx.outboxEvent.create({
          data: { tenantId: before.id, type: 'tenant.suspended', payload: { tenantId: before.id, reason: input.reason } },
        });
      }
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'Tenant', recordId: input.tenantId, reason: input.reason });
    return result;
  }

  return {
    create,
    requireBySlug,
    /** Suspends an active tenant (reason required); its owner is notified through the outbox. */
    suspend: (ctx: ServiceContext, input: TenantStatusChangeInput) => changeStatus(ctx, input, 'suspend'),
    /** Reactivates a suspended tenant (reason required). */
    reactivate: (ctx: ServiceContext, input: TenantStatusChangeInput) => changeStatus(ctx, input, 'reactivate'),
  };
}
