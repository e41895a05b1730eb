import type { MailMessage } from '@prisma/client';
import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';
import { requireCreatable, scope } from '../shared/guard.js';

/**
 * The only code that touches MailMessage: the development mailbox (no SMTP) or the ledger of
 * sent mail (SMTP). Every method applies the session's ability.
 */
export const mailRepository = {
  /** Records a message once per dedupe key; false when the key was already recorded. */
  async recordOnce(s: WriteSession, mail: { dedupeKey: string; to: string; subject: string; text: string }): Promise<boolean> {
    requireCreatable(s.ctx, 'MailMessage', mail);
    const { count } = await txOf(s).mailMessage.createMany({ data: [mail], skipDuplicates: true });
    return count === 1;
  },

  /** Whether a message with this dedupe key was recorded (among those the session may read). */
  isRecorded: async (s: ReadSession, dedupeKey: string): Promise<boolean> =>
    (await dbOf(s).mailMessage.findFirst({
      where: { AND: [scope(s.ctx, 'read', 'MailMessage'), { dedupeKey }] },
      select: { id: true },
    })) !== null,

  /** The messages among `ids` the session may delete, locked for the rest of the transaction. */
  async lockDeletable(s: WriteSession, ids: readonly string[]): Promise<MailMessage[]> {
    const tx = txOf(s);
    const rows = await tx.mailMessage.findMany({
      where: { AND: [scope(s.ctx, 'delete', 'MailMessage'), { id: { in: [...ids] } }] },
      select: { id: true },
    });
    if (!rows.length) return [];
    await tx.$queryRaw`SELECT 1 FROM "MailMessage" WHERE "id" = ANY(${rows.map((r) => r.id)}::uuid[]) ORDER BY "id" FOR UPDATE`;
    return tx.mailMessage.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: 'asc' } });
  },

  /** Deletes the messages among `ids` the session may delete; returns how many. */
  deleteVisible: async (s: WriteSession, ids: readonly string[]): Promise<number> =>
    (await txOf(s).mailMessage.deleteMany({ where: { AND: [scope(s.ctx, 'delete', 'MailMessage'), { id: { in: [...ids] } }] } }))
      .count,
};
