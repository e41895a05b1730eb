import { describe, expect, it } from 'vitest';
import { defineAbilityFor } from '../../src/modules/access/ability.js';
import type { Actor } from '../../src/modules/access/actor.js';
import { scope, scopeWithinTenant } from '../../src/modules/shared/guard.js';
import type { ServiceContext } from '../../src/lib/context.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

const contextOf = (actor: Actor): ServiceContext => ({
  actor,
  ability: defineAbilityFor(actor),
  correlationId: 't',
  locale: 'en',
});
const support = contextOf({
  type: 'STAFF',
  id: '00000000-0000-4000-8000-000000000001',
  role: 'SUPPORT',
  grantedTenantIds: [A, B],
});
const NO_ROW = { id: { in: [] } };

/**
 * The per-tenant form of the ability (src/modules/shared/guard.ts scopeWithinTenant): the same
 * rows as `scope AND tenantId`, said so that PostgreSQL can estimate it.
 */
describe('scopeWithinTenant', () => {
  it('a granted tenant: the tenant alone; a tenant without a grant: no row', () => {
    expect(scopeWithinTenant(support, 'read', 'Transaction', A)).toEqual({ tenantId: A });
    expect(scopeWithinTenant(support, 'read', 'Transaction', B)).toEqual({ tenantId: B });
    expect(scopeWithinTenant(support, 'read', 'Transaction', C)).toEqual(NO_ROW);
    // An action the role has no rule for: no row, whatever the tenant.
    expect(scopeWithinTenant(support, 'delete', 'Transaction', A)).toEqual(NO_ROW);
  });

  it('rules on more than the tenant keep the general scope, with the tenant', () => {
    // A support agent reads only their own, still running grants: conditions beyond tenantId.
    const where = scopeWithinTenant(support, 'read', 'TenantAccessGrant', A);
    expect(where).toEqual({ AND: [scope(support, 'read', 'TenantAccessGrant'), { tenantId: A }] });
    // An API user's exports: requester and tenant.
    const user = contextOf({ type: 'USER', id: '00000000-0000-4000-8000-000000000002', role: 'MEMBER', tenantId: A });
    expect(scopeWithinTenant(user, 'read', 'ExportJob', A)).toEqual({ AND: [scope(user, 'read', 'ExportJob'), { tenantId: A }] });
  });

  it('an actor with no condition at all: the tenant alone, any tenant', () => {
    const superadmin = contextOf({
      type: 'STAFF',
      id: '00000000-0000-4000-8000-000000000003',
      role: 'SUPERADMIN',
      grantedTenantIds: [],
    });
    expect(scopeWithinTenant(superadmin, 'read', 'Transaction', C)).toEqual({ tenantId: C });
  });
});
