import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError, conflict } from '../../lib/errors.js';
import { canonicalJson } from '../audit/audit.hash.js';
import { WRITE_TX_OPTIONS, type UnitOfWork, type WriteOptions } from './unit-of-work.js';

/** Whose key space a key lives in: keys are unique per user (the IdempotencyKey unique index). */
export interface KeyOwner {
  tenantId: string;
  userId: string;
}

/**
 * Requests made before there is a user (registration) share one anonymous key space. The
 * fingerprint still binds a key to its exact body, so a stranger's key only ever yields 409.
 */
export const ANONYMOUS_OWNER: KeyOwner = {
  tenantId: '00000000-0000-0000-0000-000000000000',
  userId: '00000000-0000-0000-0000-000000000000',
};

export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface IdempotentResponse {
  status: number;
  body: unknown;
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyOptions {
  /** How long a key is remembered. */
  ttlHours?: number;
  /** How long a concurrent duplicate waits for the first request before hearing 409. */
  waitMs?: number;
}

/** The key owner of a tenant user's context. */
export function keyOwnerOf(ctx: ServiceContext): KeyOwner {
  if (ctx.actor.type !== 'USER') throw new AppError({ code: 'IDEMPOTENCY.USER_ONLY', kind: 'FORBIDDEN' });
  return { tenantId: ctx.actor.tenantId, userId: ctx.actor.id };
}

/** SHA-256 of method, path and the canonical JSON of the body (key order does not matter). */
export function fingerprintOf(request: Omit<IdempotentRequest, 'key'>): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()}\n${request.path}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

function pgCodeOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 6) return undefined;
  const e = error as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof e.originalCode === 'string') return e.originalCode;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return pgCodeOf(e.cause, depth + 1) ?? pgCodeOf(e.meta?.driverAdapterError, depth + 1);
}

/** Thrown inside the write transaction when another request holds the key (rolls it back). */
class KeyTaken extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An IN_PROGRESS key older than this belongs to a request that will not finish (crash). */
const STALE_IN_PROGRESS_MS = 30_000;

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/**
 * Idempotent creation (docs/api-guide.md):
 * - a key already COMPLETED with the same fingerprint (method, path, body) replays the stored
 *   status and body without running anything; another fingerprint is 409 IDEMPOTENCY.KEY_REUSED;
 * - otherwise the request runs, and its service claims the key (an IN_PROGRESS row, unique per
 *   user and key) inside the same database transaction that creates the record and its audit
 *   event; the stored response is completed right after. A failed request rolls back its claim,
 *   so a corrected retry may reuse the key;
 * - a concurrent duplicate blocks on the unique index until the first transaction ends, then
 *   waits (up to `waitMs`) for the stored response and replays it, or hears 409
 *   IDEMPOTENCY.IN_PROGRESS. Exactly one record is ever created, and no database connection is
 *   held while waiting.
 */
export function createIdempotencyService(deps: { prisma: PrismaClient }, options: IdempotencyOptions = {}) {
  const { prisma } = deps;
  const ttlHours = options.ttlHours ?? 24;
  const waitMs = Math.max(100, Math.floor(options.waitMs ?? 5_000));

  /** The stored answer for this key, waiting while it is in progress; null when the key is free. */
  async function storedResponse(owner: KeyOwner, key: string, fingerprint: string): Promise<IdempotentResponse | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const row = await prisma.idempotencyKey.findUnique({ where: { userId_key: { userId: owner.userId, key } } });
      if (!row || row.expiresAt.getTime() <= Date.now()) return null;
      if (row.fingerprint !== fingerprint) throw conflict('IDEMPOTENCY.KEY_REUSED');
      if (row.status === 'COMPLETED') return { status: row.responseStatus ?? 200, body: row.responseBody, replayed: true };
      if (Date.now() >= deadline || Date.now() - row.createdAt.getTime() > STALE_IN_PROGRESS_MS)
        throw conflict('IDEMPOTENCY.IN_PROGRESS');
      await sleep(20);
    }
  }

  /**
   * Runs `run` at most once per (owner, key). `run` receives the WriteOptions to pass to the
   * creating service call; its result is stored and returned to later replays. `claimFirst` is for
   * services that take no WriteOptions: the key is claimed in its own committed transaction before
   * they run (a crash then leaves it IN_PROGRESS: 409 until it expires, never a second record).
   */
  async function execute(
    owner: KeyOwner,
    request: IdempotentRequest,
    run: (write: WriteOptions) => Promise<{ status: number; body: unknown }>,
    mode: { claimFirst?: boolean } = {},
  ): Promise<IdempotentResponse> {
    const fingerprint = fingerprintOf(request);
    const method = request.method.toUpperCase();
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await storedResponse(owner, request.key, fingerprint);
      if (stored) return stored;

      let claimedId: string | undefined;
      const claim = async (tx: Tx, status: 'IN_PROGRESS' | 'COMPLETED', response?: { status: number; body: unknown }) => {
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO "IdempotencyKey" ("tenantId", "userId", "key", "method", "path", "fingerprint", "status", "responseStatus", "responseBody", "expiresAt")
          VALUES (${owner.tenantId}::uuid, ${owner.userId}::uuid, ${request.key}, ${method}, ${request.path}, ${fingerprint},
                  ${status}::"IdempotencyStatus", ${response?.status ?? null}::int, ${response ? JSON.stringify(response.body ?? null) : null}::jsonb,
                  now() + make_interval(hours => ${ttlHours}::int))
          ON CONFLICT ("userId", "key") DO UPDATE
            SET "tenantId" = EXCLUDED."tenantId", "method" = EXCLUDED."method", "path" = EXCLUDED."path",
                "fingerprint" = EXCLUDED."fingerprint", "status" = EXCLUDED."status", "responseStatus" = EXCLUDED."responseStatus",
                "responseBody" = EXCLUDED."responseBody", "createdAt" = now(), "expiresAt" = EXCLUDED."expiresAt"
            WHERE "IdempotencyKey"."expiresAt" <= now()
          RETURNING "id"::text AS id`;
        if (rows.length === 0) throw new KeyTaken();
        return rows[0]!.id;
      };
      const unitOfWork: UnitOfWork = (work) =>
        prisma.$transaction(async (tx) => {
          // A concurrent holder of the key blocks the insert below; do not wait forever.
          await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${waitMs}ms'`);
          claimedId = await claim(tx, 'IN_PROGRESS');
          return work(tx);
        }, WRITE_TX_OPTIONS);

      if (mode.claimFirst) {
        // For services that run their own transaction: claim (committed) first, run, complete;
        // a failure releases the claim.
        let id: string;
        try {
          id = await prisma.$transaction(async (tx) => {
            await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${waitMs}ms'`);
            return claim(tx, 'IN_PROGRESS');
          });
        } catch (err) {
          if (err instanceof KeyTaken || pgCodeOf(err) === '55P03') continue;
          throw err;
        }
        let result: { status: number; body: unknown };
        try {
          result = await run({});
        } catch (err) {
          await prisma.idempotencyKey.deleteMany({ where: { id, status: 'IN_PROGRESS' } });
          throw err;
        }
        await prisma.idempotencyKey.update({
          where: { id },
          data: {
            status: 'COMPLETED',
            responseStatus: result.status,
            responseBody: (result.body ?? null) as Prisma.InputJsonValue,
          },
        });
        return { ...result, replayed: false };
      }

      try {
        const result = await run({ unitOfWork });
        if (claimedId) {
          await prisma.idempotencyKey.update({
            where: { id: claimedId },
            data: {
              status: 'COMPLETED',
              responseStatus: result.status,
              responseBody: (result.body ?? null) as Prisma.InputJsonValue,
            },
          });
        } else {
          // The handler succeeded without a write transaction: remember its answer all the same.
          await prisma.$transaction((tx) => claim(tx, 'COMPLETED', result));
        }
        return { ...result, replayed: false };
      } catch (err) {
        // Another request holds (or just finished with) this key: read its outcome again.
        if (err instanceof KeyTaken || pgCodeOf(err) === '55P03') continue;
        // A duplicate that lost the race may fail a pre-check against the winner's own write
        // (registration: "email taken"); when the winner holds this very request's key, its
        // answer is the answer.
        if (err instanceof AppError && err.kind === 'CONFLICT' && !err.code.startsWith('IDEMPOTENCY.')) {
          const row = await prisma.idempotencyKey.findUnique({
            where: { userId_key: { userId: owner.userId, key: request.key } },
          });
          if (row && row.fingerprint === fingerprint && row.expiresAt.getTime() > Date.now()) {
            const stored = await storedResponse(owner, request.key, fingerprint);
            if (stored) return stored;
          }
        }
        throw err;
      }
    }
    throw conflict('IDEMPOTENCY.IN_PROGRESS');
  }

  /** Forgets keys past their expiry; returns how many. For the scheduled jobs; safe anywhere. */
  async function purgeExpired(): Promise<number> {
    const { count } = await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return count;
  }

  return { execute, purgeExpired, fingerprintOf };
}
