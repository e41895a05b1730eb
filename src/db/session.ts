import type pg from 'pg';
import type { ServiceContext } from '../lib/context.js';
import { isDatabaseUnavailable, isRecoveryConflict } from '../lib/error-mapping.js';
import type { PrismaClient, Tx } from './prisma.js';

/**
 * A unit of database work on behalf of one service context. Services hold sessions but cannot
 * query through them: the database handle is a private field, reachable only through `dbOf()`,
 * which only repositories (and src/db) may import (dependency-cruiser, `npm run lint`). Every
 * repository method takes a session and applies the session's ability in its own query, so the
 * scope of a query cannot be forgotten by the code that calls it.
 */
export class ReadSession {
  readonly #db: Tx | PrismaClient;
  readonly #pool: pg.Pool | undefined;
  readonly #bulkPool: pg.Pool | undefined;

  constructor(
    readonly ctx: ServiceContext,
    db: Tx | PrismaClient,
    pool?: pg.Pool,
    bulkPool?: pg.Pool,
  ) {
    this.#db = db;
    this.#pool = pool;
    this.#bulkPool = bulkPool;
  }

  /** @internal the pool bulk reads stream from: the replica's when there is one (repositories only). */
  static bulkPoolOf(session: ReadSession): pg.Pool | undefined {
    return session.#bulkPool ?? session.#pool;
  }

  /** @internal the database handle (repositories only: see dbOf). */
  static handleOf(session: ReadSession): Tx | PrismaClient {
    return session.#db;
  }

  /** @internal the raw pg pool, when the session may use one (repositories only). */
  static poolOf(session: ReadSession): pg.Pool | undefined {
    return session.#pool;
  }
}

/**
 * A session inside one database transaction: writes and their audit event take a WriteSession,
 * so a change cannot be written outside a transaction, nor its audit event outside the change's.
 */
export class WriteSession extends ReadSession {
  readonly #tx: Tx;
  /** Work to run once the transaction has committed (file removal, cache eviction). */
  readonly afterCommit: Array<() => Promise<void> | void> = [];

  constructor(ctx: ServiceContext, tx: Tx) {
    super(ctx, tx);
    this.#tx = tx;
  }

  /** @internal the transaction (repositories only: see txOf). */
  static txOf(session: WriteSession): Tx {
    return session.#tx;
  }

  /** The same transaction acting for another context (a system step inside a user's write). */
  as(ctx: ServiceContext): WriteSession {
    const other = new WriteSession(ctx, this.#tx);
    // One transaction, one list of after-commit work.
    (other as { afterCommit: WriteSession['afterCommit'] }).afterCommit = this.afterCommit;
    return other;
  }
}

/** The Prisma handle of a session. Repositories only. */
export const dbOf = (session: ReadSession): Tx | PrismaClient => ReadSession.handleOf(session);
/** The transaction of a write session. Repositories only. */
export const txOf = (session: WriteSession): Tx => WriteSession.txOf(session);
/** The raw pg pool of a read session (hot reads written in SQL), when there is one. Repositories only. */
export const poolOf = (session: ReadSession): pg.Pool | undefined => ReadSession.poolOf(session);

/**
 * The raw pool that bulk reads (exports' snapshots and COPY) stream from: the streaming replica's
 * when one is configured, else the session's own pool. Repositories only.
 */
export const bulkPoolOf = (session: ReadSession): pg.Pool | undefined => ReadSession.bulkPoolOf(session);

/** Runs a write inside a transaction somebody else opened (the idempotency service does). */
export type UnitOfWork = <T>(work: (session: WriteSession) => Promise<T>) => Promise<T>;

/**
 * Options of a write service function: run inside the caller's session (`session`) or in the
 * unit of work the caller provides (`unitOfWork`) — the idempotency service claims the key and
 * stores the response in the very transaction that writes the record and its audit event.
 */
export interface WriteOptions {
  session?: WriteSession | undefined;
  unitOfWork?: UnitOfWork | undefined;
  /**
   * How long a transaction this write opens may run (default WRITE_TX_OPTIONS.timeout): for the
   * few system writes that are long by nature (erasing a large household). Ignored when the write
   * joins a caller's transaction.
   */
  timeoutMs?: number | undefined;
  /**
   * The write only records that its actor READ something (an audited list or record view): it
   * changes nothing the actor reads back, so their reads may stay on the replica.
   */
  recordsReadOnly?: boolean | undefined;
}

/** Transaction settings for writes: wait for a connection under load rather than failing fast. */
export const WRITE_TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * The database port services receive: sessions for reads and transactions for writes, always
 * on behalf of a service context. Nothing else of the database reaches a service.
 */
export interface Database {
  /** Runs reads for `ctx` (no transaction needed; one is used when the session requires it). */
  read<T>(ctx: ServiceContext, work: (session: ReadSession) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction for `ctx` — the caller's (options.session), the caller's unit
   * of work (options.unitOfWork) or a new one. After-commit work runs once the outermost
   * transaction has committed; it is dropped on rollback.
   */
  write<T>(ctx: ServiceContext, work: (session: WriteSession) => Promise<T>, options?: WriteOptions): Promise<T>;
}

/**
 * Who wrote recently, for read-your-writes: a staff member's reads stay on the primary until the
 * time noted at their last write. In this process's memory by default; several app nodes share
 * a store (Redis) so that a write on one node is read back from the primary on the other.
 */
export interface RecentWriters {
  note(key: string, untilMs: number): void | Promise<void>;
  /** Whether `key` wrote recently. An error counts as yes (the primary is always right). */
  wroteRecently(key: string): boolean | Promise<boolean>;
}

/** RecentWriters in this process's memory (one app node, or nodes with sticky sessions). */
export function memoryRecentWriters(maxKeys = 10_000): RecentWriters {
  const until = new Map<string, number>();
  return {
    note(key, untilMs) {
      until.delete(key);
      until.set(key, untilMs);
      // Oldest notes first: drop them past the bound (they would have expired first anyway).
      while (until.size > maxKeys) until.delete(until.keys().next().value!);
    },
    wroteRecently(key) {
      const t = until.get(key);
      if (t === undefined) return false;
      if (t > Date.now()) return true;
      until.delete(key);
      return false;
    },
  };
}

/** Where staff reads go when a streaming replica is configured (DATABASE_REPLICA_URL). */
export interface ReplicaRouting {
  prisma: PrismaClient;
  pool?: pg.Pool | undefined;
  /** After a staff member's write, their reads stay on the primary this long (read-your-writes). */
  readYourWritesSeconds: number;
  recentWriters?: RecentWriters;
  /** Told when a read fell back to the primary (replica down, or a recovery conflict). */
  onFallback?: (err: unknown) => void;
}

/**
 * Which reads a replica serves: those of staff (admin lists, record pages, dashboards), who can
 * accept data a fraction of a second old — except their own writes, read back from the primary.
 * API users' and system reads (jobs, authentication, grants) stay on the primary: they act on
 * what they read.
 */
const replicaKeyOf = (ctx: ServiceContext): string | undefined =>
  ctx.actor.type === 'STAFF' ? `staff:${ctx.actor.id}` : undefined;

export function createDatabase(prisma: PrismaClient, pool?: pg.Pool, replica?: ReplicaRouting): Database {
  async function runAfterCommit(session: WriteSession): Promise<void> {
    for (const step of session.afterCommit.splice(0)) await step();
  }
  const recent = replica ? (replica.recentWriters ?? memoryRecentWriters()) : undefined;

  async function onReplica(ctx: ServiceContext): Promise<boolean> {
    const key = replicaKeyOf(ctx);
    if (!replica || !recent || !key) return false;
    try {
      return !(await recent.wroteRecently(key));
    } catch {
      return false;
    }
  }

  async function noteWrite(ctx: ServiceContext): Promise<void> {
    const key = replicaKeyOf(ctx);
    if (!replica || !recent || !key) return;
    try {
      await recent.note(key, Date.now() + replica.readYourWritesSeconds * 1000);
    } catch {
      // A store that is down answers "wrote recently" to everybody (onReplica): reads stay right.
    }
  }

  return {
    async read(ctx, work) {
      if (!replica || !(await onReplica(ctx))) return work(new ReadSession(ctx, prisma, pool, replica?.pool));
      try {
        return await work(new ReadSession(ctx, replica.prisma, replica.pool));
      } catch (err) {
        // The replica is away or cancelled the query to replay WAL: the primary answers instead.
        if (!isDatabaseUnavailable(err) && !isRecoveryConflict(err)) throw err;
        replica.onFallback?.(err);
        return work(new ReadSession(ctx, prisma, pool));
      }
    },
    async write(ctx, work, options = {}) {
      if (options.session) return work(options.session.ctx === ctx ? options.session : options.session.as(ctx));
      if (options.unitOfWork) return options.unitOfWork((session) => work(session.ctx === ctx ? session : session.as(ctx)));
      let session: WriteSession | undefined;
      const result = await prisma.$transaction(
        async (tx) => {
          session = new WriteSession(ctx, tx);
          return work(session);
        },
        { ...WRITE_TX_OPTIONS, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) },
      );
      if (!options.recordsReadOnly) await noteWrite(ctx);
      await runAfterCommit(session!);
      return result;
    },
  };
}
