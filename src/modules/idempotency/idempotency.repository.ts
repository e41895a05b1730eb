import { dbOf, txOf, type ReadSession, type WriteSession } from '../../db/session.js';

export interface StoredKey {
  id: string;
  fingerprint: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  responseStatus: number | null;
  responseText: string | null;
  expiresAt: Date;
  retainUntil: Date;
}

export interface KeyClaim {
  tenantId: string;
  userId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  ttlHours: number;
  retainDays: number;
  /** How long to wait for a concurrent holder of the key before giving up (lock_timeout). */
  waitMs: number;
}

/**
 * The only code that touches IdempotencyKey. Keys belong to one user (their key space); the
 * session's actor is that user or, before there is one (registration), the anonymous key space
 * the service names. Keys are never scoped by the CASL ability: they are the user's own record
 * of their requests, addressed by (userId, key) only.
 */
export const idempotencyRepository = {
  /** The key of this user, or null. */
  find: (s: ReadSession, userId: string, key: string): Promise<StoredKey | null> =>
    dbOf(s).idempotencyKey.findUnique({
      where: { userId_key: { userId, key } },
      select: {
        id: true,
        fingerprint: true,
        status: true,
        responseStatus: true,
        responseText: true,
        expiresAt: true,
        retainUntil: true,
      },
    }),

  /**
   * Claims the key in the write's transaction (IN_PROGRESS, invisible to others until commit).
   * A concurrent claim of the same key blocks on the unique index until this transaction ends
   * (at most `waitMs`, then lock_timeout); a key past its retention is taken over. Returns the
   * claimed row's id, or null when the key is held (committed) by an earlier request.
   */
  async claim(s: WriteSession, c: KeyClaim): Promise<string | null> {
    const tx = txOf(s);
    await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(c.waitMs))}ms'`);
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "IdempotencyKey" ("tenantId", "userId", "key", "method", "path", "fingerprint", "status", "expiresAt", "retainUntil")
      VALUES (${c.tenantId}::uuid, ${c.userId}::uuid, ${c.key}, ${c.method}, ${c.path}, ${c.fingerprint}, 'IN_PROGRESS',
              now() + make_interval(hours => ${c.ttlHours}::int), now() + make_interval(hours => ${c.ttlHours}::int, days => ${c.retainDays}::int))
      ON CONFLICT ("userId", "key") DO UPDATE
        SET "tenantId" = EXCLUDED."tenantId", "method" = EXCLUDED."method", "path" = EXCLUDED."path",
            "fingerprint" = EXCLUDED."fingerprint", "status" = EXCLUDED."status", "responseStatus" = NULL,
            "responseText" = NULL, "createdAt" = now(), "expiresAt" = EXCLUDED."expiresAt", "retainUntil" = EXCLUDED."retainUntil"
        WHERE "IdempotencyKey"."retainUntil" <= now()
      RETURNING "id"::text AS id`;
    return rows[0]?.id ?? null;
  },

  /** Completes a claimed key with the exact response, in the same transaction as the claim. */
  async complete(s: WriteSession, id: string, status: number, text: string): Promise<void> {
    await txOf(s).idempotencyKey.update({
      where: { id },
      data: { status: 'COMPLETED', responseStatus: status, responseText: text },
    });
  },

  /** Claims and completes in one statement (a request that wrote nothing); false when the key is held. */
  async record(s: WriteSession, c: KeyClaim, status: number, text: string): Promise<boolean> {
    const id = await idempotencyRepository.claim(s, c);
    if (!id) return false;
    await idempotencyRepository.complete(s, id, status, text);
    return true;
  },

  /**
   * Housekeeping (system): drops the stored responses of keys past their replay window, and the
   * keys themselves past their retention. Returns how many keys were forgotten.
   */
  async purge(s: WriteSession): Promise<{ responsesDropped: number; keysDeleted: number }> {
    const tx = txOf(s);
    const responsesDropped = await tx.$executeRaw`
      UPDATE "IdempotencyKey" SET "responseText" = NULL WHERE "expiresAt" <= now() AND "responseText" IS NOT NULL`;
    const { count: keysDeleted } = await tx.idempotencyKey.deleteMany({ where: { retainUntil: { lte: new Date() } } });
    return { responsesDropped, keysDeleted };
  },
};
