import type { User } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, validation } from '../../lib/errors.js';
import { hashPassword, requireAcceptablePassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { requireAbility, scope } from '../shared/guard.js';
import { CreateUserInput } from './user.schemas.js';

export type UserService = ReturnType<typeof createUserService>;

export function createUserService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  /** Creates a tenant's API user; the tenant's first user becomes its OWNER. */
  async function create(ctx: ServiceContext, raw: CreateUserInput): Promise<User> {
    const input = CreateUserInput.parse(raw);
    await requireAbility(deps, ctx, 'create', 'User', { action: 'user.create', tenantId: input.tenantId });
    requireAcceptablePassword(input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return await prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.findFirst({ where: { AND: [scope(ctx, 'read', 'Tenant'), { id: input.tenantId }] } });
        if (!tenant) throw validation([{ field: 'tenant', code: 'not_found', message: 'Unknown tenant' }]);
        const existing = await tx.user.count({ where: { tenantId: tenant.id } });
        const user = await tx.user.create({
          data: {
            tenantId: tenant.id,
            email: input.email,
            name: input.name ?? input.email.split('@')[0]!,
            phone: input.phone ?? null,
            role: input.role ?? (existing === 0 ? 'OWNER' : 'MEMBER'),
            locale: input.locale,
            passwordHash,
          },
        });
        await audit.record(tx, {
          ...actorFields(ctx),
          tenantId: tenant.id,
          action: 'user.create',
          resource: 'User',
          recordId: user.id,
          diff: diffRecords(null, user),
        });
        return user;
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict('USER.EMAIL_TAKEN');
      throw err;
    }
  }

  return { create };
}
