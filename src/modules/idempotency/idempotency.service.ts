import { createHash } from 'node:crypto';
import type { Database, WriteOptions, WriteSession } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { isLockTimeout } from '../../lib/error-mapping.js';
import { AppError, conflict } from '../../lib/errors.js';
import { canonicalJson } from '../audit/audit.hash.js';
import type { idempotencyRepository, KeyClaim } from './idempotency.repository.js';

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

/** A response as it is sent, and replayed: the status and the exact JSON text. */
export interface StoredResponse {
  status: number;
  /** The JSON text of the body ('' for none), byte for byte what the first request answered. */
  text: string;
}

export interface IdempotentResponse extends StoredResponse {
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyOptions {
  /** How long a key's response is replayed. */
  ttlHours?: number;
  /** How long after that a used key is still remembered (and refused) rather than reused. */
  retainDays?: number;
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

/** The response of a request as it will be sent: its status and the JSON text of its body. */
export const serialise = (status: number, body: unknown): StoredResponse => ({
  status,
  text: body === undefined || body === null ? '' : JSON.stringify(body),
});

/** Another request holds the key (or just completed it): roll back and read its outcome. */
class KeyTaken extends Error {}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

/**
 * Idempotent creation (docs/api-guide.md):
 * - a key COMPLETED with the same fingerprint (method, path, body) replays the stored status and
 *   the exact bytes of the first response; another fingerprint is 409 IDEMPOTENCY.KEY_REUSED;
 *   after the replay window the key is still remembered for `retainDays` and answers 409
 *   IDEMPOTENCY.KEY_EXPIRED — a used key never creates a second record;
 * - otherwise the request runs, and the key is claimed, the record and its audit event written,
 *   and the response stored, all in ONE database transaction. There is no moment at which the
 *   record is committed and its key is not: a crash anywhere leaves either nothing (retry runs
 *   the request) or the completed key (retry replays it); nothing is ever "stuck";
 * - a concurrent duplicate blocks on the key's unique index until the first transaction ends,
 *   then replays its response (or runs, if the first rolled back). Exactly one record.
 */
export function createIdempotencyService(
  deps: { db: Database; keys: typeof idempotencyRepository },
  options: IdempotencyOptions = {},
) {
  const { db, keys } = deps;
  const ttlHours = options.ttlHours ?? 24;
  const retainDays = options.retainDays ?? 30;
  const waitMs = Math.max(100, Math.floor(options.waitMs ?? 5_000));

  /** The stored answer for this key, or null when the key is free. */
  async function storedResponse(
    ctx: ServiceContext,
    owner: KeyOwner,
    key: string,
    fingerprint: string,
  ): Promise<IdempotentResponse | null> {
    const row = await db.read(ctx, (s) => keys.find(s, owner.userId, key));
    if (!row || row.status !== 'COMPLETED' || row.retainUntil.getTime() <= Date.now()) return null;
    if (row.expiresAt.getTime() <= Date.now() || row.responseText === null || row.responseStatus === null)
      throw conflict('IDEMPOTENCY.KEY_EXPIRED');
    if (row.fingerprint !== fingerprint) throw conflict('IDEMPOTENCY.KEY_REUSED');
    return { status: row.responseStatus, text: row.responseText, replayed: true };
  }

  /**
   * Runs `run` at most once per (owner, key). `run` receives the WriteOptions to pass to the
   * creating service call; `respond` maps the service's result to the response, inside the
   * write's transaction, where it is stored with the key. The caller sends the returned text.
   */
  async function execute<T>(
    ctx: ServiceContext,
    owner: KeyOwner,
    request: IdempotentRequest,
    run: (write: WriteOptions) => Promise<T>,
    respond: (result: T) => { status: number; body?: unknown },
  ): Promise<IdempotentResponse> {
    const fingerprint = fingerprintOf(request);
    const claim: KeyClaim = {
      tenantId: owner.tenantId,
      userId: owner.userId,
      key: request.key,
      method: request.method.toUpperCase(),
      path: request.path,
      fingerprint,
      ttlHours,
      retainDays,
      waitMs,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await storedResponse(ctx, owner, request.key, fingerprint);
      if (stored) return stored;

      let sent: StoredResponse | undefined;
      const unitOfWork = <R>(work: (s: WriteSession) => Promise<R>): Promise<R> =>
        db.write(ctx, async (s) => {
          const id = await keys.claim(s, claim);
          if (!id) throw new KeyTaken();
          const result = await work(s);
          // The response is computed and stored before COMMIT: the key completes with the write.
          const { status, body } = respond(result as unknown as T);
          sent = serialise(status, body);
          await keys.complete(s, id, sent.status, sent.text);
          return result;
        });

      try {
        const result = await run({ unitOfWork });
        if (sent) return { ...sent, replayed: false };
        // The service answered without writing anything (e.g. "already requested"): remember the
        // answer all the same, so a replay is identical.
        const { status, body } = respond(result);
        const response = serialise(status, body);
        const recorded = await db.write(ctx, (s) => keys.record(s, claim, response.status, response.text));
        if (!recorded) continue;
        return { ...response, replayed: false };
      } catch (err) {
        // Another request holds (or just finished with) this key: read its outcome again.
        if (err instanceof KeyTaken || isLockTimeout(err)) continue;
        // A duplicate that lost the race may fail a pre-check against the winner's own write
        // (registration: "email taken"); when the winner completed this very request's key, its
        // answer is the answer.
        if (err instanceof AppError && err.kind === 'CONFLICT' && !err.code.startsWith('IDEMPOTENCY.')) {
          const winner = await storedResponse(ctx, owner, request.key, fingerprint);
          if (winner) return winner;
        }
        throw err;
      }
    }
    throw new AppError({ code: 'IDEMPOTENCY.IN_PROGRESS', kind: 'CONFLICT', retryAfter: 1 });
  }

  /** Housekeeping for the scheduled jobs: forgets responses past the replay window and keys past retention. */
  async function purgeExpired(ctx: ServiceContext): Promise<number> {
    const { keysDeleted } = await db.write(ctx, (s) => keys.purge(s));
    return keysDeleted;
  }

  return { execute, purgeExpired, fingerprintOf };
}
