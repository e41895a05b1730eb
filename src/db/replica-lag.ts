import type pg from 'pg';
import type { Logger } from '../lib/logger.js';

/**
 * How far behind the primary a streaming replica is, measured against the primary itself: every
 * check notes the primary's WAL position (`pg_current_wal_lsn()`) and the time, then asks the
 * replica how far it has replayed (`pg_last_wal_replay_lsn()`). The replica holds everything the
 * primary had written at the last noted time whose position it has replayed past: it is fresh "as
 * of" that time, and its lag is now minus that time.
 *
 * Measured this way (and not by the replica's own `pg_last_xact_replay_timestamp()`), a replica
 * whose WAL receiver lost the primary, or whose replay is paused or stuck behind a conflict, is
 * seen lagging even though it does not know it is behind; an idle primary is not mistaken for
 * lag. The figure never understates: it grows between checks, and a position is only counted as
 * replayed once the replica says so. Nothing measured yet, a check that failed, or a "replica"
 * that is not in recovery (promoted, or a primary by mistake) all count as not fresh.
 */
export interface ReplicaLag {
  /** Seconds the replica is behind the primary now; Infinity when not known. Starts the checks. */
  lagSeconds(): number;
  /** The replica may serve staff reads: lag known and within the limit. Starts the checks. */
  fresh(): boolean;
  /** Resolves after the next completed check (tests and the first read wait on it). */
  nextCheck(): Promise<void>;
  stop(): void;
}

export interface ReplicaLagOptions {
  primary: pg.Pool;
  replica: pg.Pool;
  maxLagSeconds: number;
  logger?: Logger | undefined;
  /** Between checks; by default a quarter of the limit, between 100 ms and 1 s. */
  intervalMs?: number;
}

/** A PostgreSQL LSN ('16/B374D848') as one comparable number. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  if (hi === undefined || lo === undefined) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** Positions noted but not yet replayed are kept up to this many (then the newest two merge). */
const MAX_PENDING = 3600;

export function createReplicaLag(options: ReplicaLagOptions): ReplicaLag {
  const { primary, replica, maxLagSeconds, logger } = options;
  const intervalMs = options.intervalMs ?? Math.min(1000, Math.max(100, (maxLagSeconds * 1000) / 4));
  /** Primary positions not yet replayed, oldest first, each with the last time it was seen. */
  const pending: { at: number; lsn: bigint }[] = [];
  /** The replica held all the primary had written at this time (undefined: not known). */
  let freshAsOf: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let wasFresh: boolean | undefined;
  let waiters: (() => void)[] = [];

  const lagSeconds = (): number => (freshAsOf === undefined ? Infinity : Math.max(0, (Date.now() - freshAsOf) / 1000));

  async function check(): Promise<void> {
    const at = Date.now();
    const { rows: p } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const written = lsnValue(p[0]!.lsn);
    const last = pending.at(-1);
    if (last && last.lsn === written) last.at = at;
    else pending.push({ at, lsn: written });
    if (pending.length > MAX_PENDING) {
      // Merging keeps the older time with the newer position: the lag can only be overstated.
      const newest = pending.pop()!;
      pending[pending.length - 1]!.lsn = newest.lsn;
    }
    const { rows: r } = await replica.query<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn');
    const replayed = r[0]?.lsn;
    if (!replayed) throw new Error('DATABASE_REPLICA_URL is not a server in recovery (pg_last_wal_replay_lsn() is null)');
    const upTo = lsnValue(replayed);
    while (pending.length > 0 && pending[0]!.lsn <= upTo) freshAsOf = pending.shift()!.at;
  }

  function report(): void {
    const isFresh = lagSeconds() <= maxLagSeconds;
    if (isFresh === wasFresh) return;
    if (!isFresh)
      logger?.warn({ lagSeconds: lagSeconds(), maxLagSeconds }, 'replica behind the limit; staff reads served by the primary');
    else if (wasFresh === false)
      logger?.info({ lagSeconds: lagSeconds() }, 'replica within the lag limit again; staff reads served by it');
    wasFresh = isFresh;
  }

  async function tick(): Promise<void> {
    try {
      await check();
    } catch (err) {
      // Not known is not fresh: the primary answers until a check succeeds again.
      freshAsOf = undefined;
      pending.length = 0;
      logger?.debug({ err: (err as Error).message }, 'replica lag check failed');
    }
    report();
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
    if (!stopped) {
      timer = setTimeout(() => void tick(), intervalMs);
      timer.unref();
    }
  }

  function start(): void {
    if (started || stopped) return;
    started = true;
    void tick();
  }

  return {
    lagSeconds() {
      start();
      return lagSeconds();
    },
    fresh() {
      start();
      return lagSeconds() <= maxLagSeconds;
    },
    nextCheck() {
      start();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const resolve of waiters.splice(0)) resolve();
    },
  };
}
