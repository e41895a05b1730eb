import type { PrismaClient, StaffRole } from '@prisma/client';
import { buildUserContext } from '../../src/modules/access/context.factory.js';
import { cliContext } from '../../src/cli/system-context.js';
import type { Services } from '../../src/services.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export const STRONG_PASSWORD = 'correct-Horse-battery-42';

/** Small data factories that go through the real services (so they are audited too). */
export function factories(prisma: PrismaClient, services: Services) {
  const system = () => cliContext('test');

  async function tenant(overrides: { slug?: string; name?: string; baseCurrency?: 'EUR' | 'USD' | 'JPY' | 'BHD' } = {}) {
    return services.tenants.create(system(), {
      slug: overrides.slug ?? unique('t'),
      name: overrides.name ?? 'Test household',
      baseCurrency: overrides.baseCurrency ?? 'EUR',
    });
  }

  async function user(tenantId: string, overrides: { email?: string; password?: string; name?: string } = {}) {
    return services.users.create(system(), {
      tenantId,
      email: overrides.email ?? `${unique('u')}@example.test`,
      name: overrides.name ?? 'Test User',
      password: overrides.password ?? STRONG_PASSWORD,
    });
  }

  async function staff(role: StaffRole, overrides: { email?: string; password?: string; grantTenantIds?: string[] } = {}) {
    return services.staff.create(system(), {
      email: overrides.email ?? `${unique(role.toLowerCase())}@staff.test`,
      role,
      password: overrides.password ?? STRONG_PASSWORD,
      grantTenantIds: overrides.grantTenantIds ?? [],
    });
  }

  async function account(tenantId: string, overrides: { currency?: string; name?: string } = {}) {
    return prisma.account.create({
      data: { tenantId, name: overrides.name ?? 'Current account', type: 'BANK', currency: overrides.currency ?? 'EUR' },
    });
  }

  async function transaction(
    account: { id: string; tenantId: string; currency: string },
    overrides: { amount?: string; direction?: 'CREDIT' | 'DEBIT'; occurredAt?: Date; description?: string } = {},
  ) {
    return prisma.transaction.create({
      data: {
        tenantId: account.tenantId,
        accountId: account.id,
        amount: overrides.amount ?? '10.00',
        currency: account.currency,
        direction: overrides.direction ?? 'DEBIT',
        occurredAt: overrides.occurredAt ?? new Date(),
        description: overrides.description ?? 'Test purchase',
      },
    });
  }

  const staffCtx = (s: { id: string; role: StaffRole; locale: string }) => services.staffAuth.contextFor(s);
  const userCtx = (u: { id: string; role: 'OWNER' | 'MEMBER'; tenantId: string; locale: string }) => buildUserContext(u);

  return { tenant, user, staff, account, transaction, staffCtx, userCtx, system };
}
