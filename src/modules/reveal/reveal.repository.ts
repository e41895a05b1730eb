import type { Tx } from '../../db/prisma.js';

/** The only code that touches PersonalDataReveal: insert and read (the table is append-only). */
export const revealRepository = {
  insert: (
    tx: Tx,
    data: {
      staffUserId: string;
      tenantId: string | null;
      resource: string;
      recordId: string;
      reason: string;
      createdAt: Date;
      expiresAt: Date;
    },
  ) => tx.personalDataReveal.create({ data }),

  /** Ids among `recordIds` that the staff member revealed and whose reveal has not expired. */
  async activeRecordIds(
    db: Pick<Tx, 'personalDataReveal'>,
    staffUserId: string,
    resource: string,
    recordIds: string[],
    now = new Date(),
  ) {
    if (!recordIds.length) return new Set<string>();
    const rows = await db.personalDataReveal.findMany({
      where: { staffUserId, resource, recordId: { in: recordIds }, expiresAt: { gt: now } },
      select: { recordId: true },
    });
    return new Set(rows.map((r) => r.recordId));
  },
};
