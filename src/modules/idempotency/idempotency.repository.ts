import { RESULT_UNREAD } from '../../db/pool.js';
import { readRows } from '../../db/prepared.js';
import { txOf, type ReadSession, type WriteSession } from '../../db/session.js';

/** The key's stored state, read on every idempotent request (a prepared statement, no ORM). */
const FIND_SQL = `SELECT "id"::text AS "id", "fingerprint", "status"::text AS "status", "responseStatus", "responseText",
       "expiresAt", "retainUntil" FROM "IdempotencyKey" WHERE "userId" = $1::uuid AND "key" = $2::text`;

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
  async find(s: ReadSession, userId: string, key: string): Promise<StoredKey | null> {
    return (await readRows<StoredKey>(s, FIND_SQL, [userId, key]))[0] ?? null;
  },

  /**
   * Claims the key in the write's transaction (IN_PROGRESS, invisible to others until commit).
   * A concurrent claim of the same key blocks on the unique index until this transaction ends
   * (at most `waitMs`, then lock_timeout); a key past its retention is taken over. Returns the
   * claimed row's id, or null when the key is held (committed) by an earlier request.
   */
  async claim(s: WriteSession, c: KeyClaim): Promise<string | null> {
    // One round trip: backoffice_idempotency_claim() (migration 104) sets the transaction-local
    // lock_timeout and claims in the same call.
    const rows = await txOf(s).$queryRawUnsafe<Array<{ id: string | null }>>(
      `SELECT backoffice_idempotency_claim($1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::int, $8::int, $9::int) AS id`,
      c.tenantId,
      c.userId,
      c.key,
      c.method,
      c.path,
      c.fingerprint,
      c.ttlHours,
      c.retainDays,
      Math.max(1, Math.floor(c.waitMs)),
    );
    return rows[0]?.id ?? null;
  },

  /**
   * Completes a claimed key with the exact response, in the same transaction as the claim: its
   * answer is not waited for, it goes out with the COMMIT (RESULT_UNREAD), whose failure it is.
   */
  async complete(s: WriteSession, id: string, status: number, text: string): Promise<void> {
    await txOf(s).$executeRawUnsafe(
      `${RESULT_UNREAD}UPDATE "IdempotencyKey" SET "status" = 'COMPLETED', "responseStatus" = $2::int, "responseText" = $3::text WHERE "id" = $1::uuid`,
      id,
      status,
      text,
    );
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
