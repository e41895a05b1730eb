import { dbOf, type ReadSession } from '../../db/session.js';

/**
 * The only code that touches StaffUser and TenantAccessGrant. Reads that build a staff member's
 * context run before that context exists, on a system session, and say so in their names.
 */
export const staffRepository = {
  /**
   * Tenant ids a staff member may reach right now: active, unexpired, unrevoked grants. Read on
   * behalf of the context builder (no ability yet: this is what the ability is made from).
   */
  async unsafeActiveGrantTenantIds(s: ReadSession, staffUserId: string, now = new Date()): Promise<string[]> {
    const grants = await dbOf(s).tenantAccessGrant.findMany({
      where: { staffUserId, revokedAt: null, expiresAt: { gt: now } },
      select: { tenantId: true },
    });
    return [...new Set(grants.map((g) => g.tenantId))];
  },
};
