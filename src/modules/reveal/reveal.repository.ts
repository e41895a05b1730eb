import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { requireCreatable, scope } from '../shared/guard.js';
import type { RevealableResource } from './reveal.schemas.js';

/**
 * The only code that touches PersonalDataReveal: insert and read (the table is append-only). A
 * reveal always belongs to the session's own staff member; its target is read within the ability.
 */
export const revealRepository = {
  /** The record to reveal, when the session may both read and reveal it; its tenant (null for mail). */
  async findRevealable(
    s: ReadSession,
    resource: RevealableResource,
    recordId: string,
  ): Promise<{ id: string; tenantId: string | null } | null> {
    const where = { AND: [scope(s.ctx, 'read', resource), scope(s.ctx, 'reveal', resource), { id: recordId }] };
    if (resource === 'User') return dbOf(s).user.findFirst({ where, select: { id: true, tenantId: true } });
    if (resource === 'Tenant') {
      const tenant = await dbOf(s).tenant.findFirst({ where, select: { id: true } });
      return tenant && { id: tenant.id, tenantId: tenant.id };
    }
    const mail = await dbOf(s).mailMessage.findFirst({ where, select: { id: true } });
    return mail && { id: mail.id, tenantId: null };
  },

  /** Records a reveal by the session's staff member; refused unless the ability may reveal the record. */
  insertOwn: (
    s: WriteSession,
    data: {
      tenantId: string | null;
      resource: RevealableResource;
      recordId: string;
      reason: string;
      createdAt: Date;
      expiresAt: Date;
    },
  ) => {
    if (s.ctx.actor.type !== 'STAFF') throw new Error('only staff reveal personal data');
    requireCreatable(
      s.ctx,
      data.resource,
      { id: data.recordId, ...(data.tenantId ? { tenantId: data.tenantId } : {}) },
      'reveal',
    );
    return txOf(s).personalDataReveal.create({ data: { ...data, staffUserId: s.ctx.actor.id } });
  },

  /** Ids among `recordIds` that the session's staff member revealed and whose reveal has not expired. */
  async activeOwnRecordIds(s: ReadSession, resource: string, recordIds: string[], now = new Date()): Promise<Set<string>> {
    if (!recordIds.length || s.ctx.actor.type !== 'STAFF') return new Set<string>();
    const rows = await dbOf(s).personalDataReveal.findMany({
      where: { staffUserId: s.ctx.actor.id, resource, recordId: { in: recordIds }, expiresAt: { gt: now } },
      select: { recordId: true },
    });
    return new Set(rows.map((r) => r.recordId));
  },
};
