import type pg from 'pg';
import type { ServiceContext } from '../lib/context.js';
import { isDatabaseUnavailable, isRecoveryConflict } from '../lib/error-mapping.js';
import { pipelinedPoolOf, readAlone, readsAlone, type PrismaClient, type Tx } from './prisma.js';
import { ALL_TENANT_SET, applyTenantSet, tenantScopedPool, type TenantSet, type TenantSetOf } from './tenant-set.js';

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
  readonly #definerPool: pg.Pool | undefined;

  /**
   * `pool` and `bulkPool`, when given, are already bound to the session's tenant set
   * (tenantScopedPool): every statement repositories send through them runs in a transaction
   * that applied it.
   */
  constructor(
    readonly ctx: ServiceContext,
    db: Tx | PrismaClient,
    pool?: pg.Pool,
    bulkPool?: pg.Pool,
    definerPool?: pg.Pool,
  ) {
    this.#db = db;
    this.#pool = pool;
    this.#bulkPool = bulkPool;
    this.#definerPool = definerPool;
  }

  /** @internal the raw pool with no tenant set, for SECURITY DEFINER functions (repositories only). */
  static definerPoolOf(session: ReadSession): pg.Pool | undefined {
    return session.#definerPool;
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
 * The raw pool with NO tenant set: row-level security shows it no row of a tenant table and lets
 * it write none, so the only useful statements on it call a `SECURITY DEFINER` function that
 * bounds itself (the API's principal check, migration 103): one statement, no transaction, no
 * settings. Without row-level security (the measurement switch) it is the session's raw pool.
 * Repositories only.
 */
export const definerPoolOf = (session: ReadSession): pg.Pool | undefined => ReadSession.definerPoolOf(session);

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
 * Transaction settings for reads: a read runs in a transaction too (its tenant set is
 * transaction-local); the few long ones (a dashboard over a large tenant) get a minute.
 */
export const READ_TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 } as const;

/**
 * The database port services receive: sessions for reads and transactions for writes, always
 * on behalf of a service context. Nothing else of the database reaches a service.
 */
export interface Database {
  /**
   * Runs reads for `ctx`, under its tenant set: Prisma's queries in one transaction whose first
   * statement applies the set (opened at the session's first Prisma query, so a session that only
   * reads through the raw pool opens none), the raw pool's in transactions of their own that
   * apply it too.
   */
  read<T>(ctx: ServiceContext, work: (session: ReadSession) => Promise<T>): Promise<T>;
  /**
   * A read for `ctx` under the all-tenants set: the ONE deliberate widening of a request's
   * tenant set (ADR 0011), for looking up which tenant a refused record belongs to so that the
   * refusal is audited in that tenant's chain. `reason` names the call site (kept for the ADR's
   * list of exceptions; nothing is returned from it but what the caller asks).
   */
  readAcrossTenants<T>(ctx: ServiceContext, reason: string, work: (session: ReadSession) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction for `ctx` — the caller's (options.session), the caller's unit
   * of work (options.unitOfWork) or a new one. After-commit work runs once the outermost
   * transaction has committed; it is dropped on rollback.
   */
  write<T>(ctx: ServiceContext, work: (session: WriteSession) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Whether sessions run under row-level security (false only for the measurement switch,
   * DATABASE_ROW_LEVEL_SECURITY=false): SQL that bounds itself to the session's tenant set, as
   * SECURITY DEFINER functions do, needs the set applied.
   */
  readonly rowLevelSecurity: boolean;
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
  /**
   * Whether the replica is within REPLICA_MAX_LAG_SECONDS of the primary (src/db/replica-lag.ts);
   * when it is not, every read goes to the primary.
   */
  fresh?: () => boolean;
}

/**
 * Which reads a replica serves: those of staff (admin lists, record pages, dashboards), who can
 * accept data a fraction of a second old — except their own writes, read back from the primary.
 * API users' and system reads (jobs, authentication, grants) stay on the primary: they act on
 * what they read.
 */
const replicaKeyOf = (ctx: ServiceContext): string | undefined =>
  ctx.actor.type === 'STAFF' ? `staff:${ctx.actor.id}` : undefined;

/** How the database port applies row-level security (ADR 0011). */
export interface TenantIsolation {
  /** The one function that decides a context's tenant set (tenantSetOf in access/ability.ts). */
  tenantSetOf: TenantSetOf;
  /**
   * false only to measure the cost of row-level security (bench/rls.ts) against a database whose
   * policies are disabled: sessions then skip the transaction and the settings. Refused in
   * production (config.ts).
   */
  enabled?: boolean;
}

/**
 * The model reads that run without an interactive transaction (readAlone): each of their
 * statements is a lone read under the session's set, one round trip and no transaction to
 * manage. Not `findUnique`: Prisma batches those across callers within a tick.
 */
const ALONE: ReadonlySet<string> = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy']);

/**
 * A Prisma handle whose model reads run alone (ALONE, readAlone) and whose other queries open
 * the session's transaction at the first of them: a read session costs a transaction only when
 * it uses Prisma for something else (raw SQL, findUnique). Every model method and `$queryRaw…`/`$executeRaw…` of
 * the handle runs in a transaction whose first statement applied the tenant set: queries one
 * after the other share the session's transaction; a query sent while another of the session is
 * still running gets a short transaction of its own on another connection (its rows are handed
 * over before its COMMIT is answered), so that a page's concurrent reads run side by side as
 * they do without row-level security, instead of queueing on one connection.
 */
function lazyTransaction(prisma: PrismaClient, set: TenantSet): { handle: Tx; finish: () => Promise<void> } {
  let opened: Promise<Tx> | undefined;
  let done: Promise<unknown> | undefined;
  let close: () => void = () => {};
  let running = 0;
  const alone = readsAlone(prisma);
  /** A read transaction whose first statement applies the set, running `body`. */
  const underSet = (body: (tx: Tx) => Promise<void>): Promise<void> =>
    prisma.$transaction(async (tx) => {
      await applyTenantSet(tx, set);
      await body(tx);
    }, READ_TX_OPTIONS);
  const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  const open = (): Promise<Tx> =>
    (opened ??= new Promise<Tx>((resolve, reject) => {
      const ended = new Promise<void>((r) => (close = r));
      done = underSet(async (tx) => {
        resolve(tx);
        await ended;
      }).catch((err: unknown) => reject(asError(err)));
    }));
  const alongside = <T>(run: (tx: Tx) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      underSet(async (tx) => resolve(await run(tx))).catch((err: unknown) => reject(asError(err)));
    });
  const inSession = <T>(run: (tx: Tx) => Promise<T>): Promise<T> => {
    if (running > 0) return alongside(run);
    running++;
    return open()
      .then(run)
      .finally(() => running--);
  };
  type Methods = Record<string, (...a: unknown[]) => Promise<unknown>>;
  const model = (name: string) =>
    new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: unknown[]) =>
            alone && ALONE.has(method)
              ? readAlone(set, () => (prisma as unknown as Record<string, Methods>)[name]![method]!(...args))
              : inSession((tx) => (tx as unknown as Record<string, Methods>)[name]![method]!(...args)),
      },
    );
  const models = new Map<string, unknown>();
  const handle = new Proxy(
    {},
    {
      get: (_t, name: string | symbol) => {
        if (typeof name !== 'string' || name === 'then') return undefined;
        if (name.startsWith('$')) return (...args: unknown[]) => inSession((tx) => (tx as unknown as Methods)[name]!(...args));
        if (!models.has(name)) models.set(name, model(name));
        return models.get(name);
      },
    },
  ) as Tx;
  return {
    handle,
    finish: async () => {
      if (!opened) return;
      close();
      await done;
    },
  };
}

export function createDatabase(
  prisma: PrismaClient,
  pool: pg.Pool | undefined,
  replica: ReplicaRouting | undefined,
  isolation: TenantIsolation,
): Database {
  const rls = isolation.enabled !== false;
  async function runAfterCommit(session: WriteSession): Promise<void> {
    for (const step of session.afterCommit.splice(0)) await step();
  }
  const recent = replica ? (replica.recentWriters ?? memoryRecentWriters()) : undefined;

  async function onReplica(ctx: ServiceContext): Promise<boolean> {
    const key = replicaKeyOf(ctx);
    if (!replica || !recent || !key) return false;
    if (replica.fresh && !replica.fresh()) return false;
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

  /** One read session over `client` and its raw pools, under `set`; the transaction ends with `work`. */
  async function readOn<T>(
    ctx: ServiceContext,
    set: TenantSet,
    client: PrismaClient,
    raw: pg.Pool | undefined,
    bulk: pg.Pool | undefined,
    work: (session: ReadSession) => Promise<T>,
  ): Promise<T> {
    if (!rls) return work(new ReadSession(ctx, client, raw, bulk, raw));
    // Lone reads borrow the pipelined connections of the same server's Prisma pool.
    const pipelined = pipelinedPoolOf(client);
    const scopedRaw = raw && tenantScopedPool(raw, set, pipelined);
    const scopedBulk = bulk && (bulk === raw ? scopedRaw : tenantScopedPool(bulk, set, pipelined));
    const tx = lazyTransaction(client, set);
    let result: T;
    try {
      result = await work(new ReadSession(ctx, tx.handle, scopedRaw, scopedBulk, raw));
    } catch (err) {
      await tx.finish().catch(() => {});
      throw err;
    }
    // The read is done: its COMMIT ends a read-only transaction and returns the connection to
    // the pool, and nobody waits for it (it cannot fail in a way a reader would care about).
    void tx.finish();
    return result;
  }

  async function read<T>(ctx: ServiceContext, set: TenantSet, work: (session: ReadSession) => Promise<T>): Promise<T> {
    if (!replica || !(await onReplica(ctx))) return readOn(ctx, set, prisma, pool, replica?.pool, work);
    try {
      return await readOn(ctx, set, replica.prisma, replica.pool, replica.pool, work);
    } catch (err) {
      // The replica is away or cancelled the query to replay WAL: the primary answers instead.
      if (!isDatabaseUnavailable(err) && !isRecoveryConflict(err)) throw err;
      replica.onFallback?.(err);
      return readOn(ctx, set, prisma, pool, undefined, work);
    }
  }

  return {
    rowLevelSecurity: rls,
    read: (ctx, work) => read(ctx, isolation.tenantSetOf(ctx), work),
    readAcrossTenants: (ctx, _reason, work) => read(ctx, ALL_TENANT_SET, work),
    async write(ctx, work, options = {}) {
      if (options.session) return work(options.session.ctx === ctx ? options.session : options.session.as(ctx));
      if (options.unitOfWork) return options.unitOfWork((session) => work(session.ctx === ctx ? session : session.as(ctx)));
      let session: WriteSession | undefined;
      // The tenant set is the opener's, for the whole transaction (a session.as(other) step
      // inside it keeps it: the database sees what the opener may).
      const set = rls ? isolation.tenantSetOf(ctx) : undefined;
      const result = await prisma.$transaction(
        async (tx) => {
          if (set) await applyTenantSet(tx, set);
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
