import type { OutboxEvent } from '@prisma/client';
import type { Database } from '../../db/session.js';
import type { Logger } from '../../lib/logger.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import type { outboxRepository } from './outbox.repository.js';

/** Handles one event type. Must be idempotent: an event may be delivered more than once. */
export type OutboxConsumer = (event: OutboxEvent) => Promise<void>;

export interface OutboxDispatcherOptions {
  db: Database;
  outbox: typeof outboxRepository;
  consumers: Readonly<Record<string, OutboxConsumer>>;
  logger?: Logger | undefined;
  /** Events claimed per round. */
  batchSize?: number | undefined;
  /** How long a claimed event is hidden from other dispatchers; a crashed dispatcher's events come back after it. */
  leaseSeconds?: number | undefined;
  /** After this many failed deliveries an event is marked FAILED (visible in the admin). */
  maxAttempts?: number | undefined;
}

export interface DispatchRound {
  claimed: number;
  delivered: number;
  failed: number;
}

/** Seconds to wait before delivery attempt n+1: 2, 4, 8 ... capped at one hour. */
export const retryDelaySeconds = (attempts: number): number => Math.min(3600, 2 ** Math.max(1, attempts));

/**
 * Delivers outbox events at least once. A round claims due PENDING events with
 * FOR UPDATE SKIP LOCKED (so several dispatchers never take the same event) and leases them by
 * pushing `availableAt` forward, then commits and runs each consumer outside any transaction.
 * Success marks the event DISPATCHED; failure schedules a retry with backoff; a dispatcher that
 * dies mid-way leaves the lease to expire and the event is delivered again: consumers are
 * idempotent (mail is keyed by the event id), so effects happen once.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions) {
  const { db, outbox, consumers, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseSeconds = options.leaseSeconds ?? 120;
  const maxAttempts = options.maxAttempts ?? 12;
  // The dispatcher is the system's own work: one context for its claims and settlements.
  const ctx = buildSystemContext('outbox:dispatcher', ALL_TENANTS, { correlationId: 'outbox-dispatcher' });

  /** Claims (and leases) a batch of due events; the lease commits before any consumer runs. */
  function claim(): Promise<OutboxEvent[]> {
    return db.write(ctx, (s) => outbox.claimDue(s, batchSize, leaseSeconds));
  }

  async function deliver(event: OutboxEvent): Promise<boolean> {
    const consumer = consumers[event.type];
    try {
      if (!consumer) throw new Error(`no consumer for event type ${event.type}`);
      await consumer(event);
      await db.write(ctx, (s) =>
        outbox.settlePending(s, event.id, { status: 'DISPATCHED', dispatchedAt: new Date(), lastError: null }),
      );
      return true;
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const final = !consumer || event.attempts >= maxAttempts;
      await db.write(ctx, (s) =>
        outbox.settlePending(
          s,
          event.id,
          final
            ? { status: 'FAILED', lastError: message }
            : { lastError: message, availableAt: new Date(Date.now() + retryDelaySeconds(event.attempts) * 1000) },
        ),
      );
      logger?.warn(
        { outboxEventId: event.id, type: event.type, attempts: event.attempts, final, err: message },
        'outbox delivery failed',
      );
      return false;
    }
  }

  /** One round: claim a batch and deliver it. */
  async function dispatchOnce(): Promise<DispatchRound> {
    const events = await claim();
    let delivered = 0;
    for (const event of events) if (await deliver(event)) delivered++;
    return { claimed: events.length, delivered, failed: events.length - delivered };
  }

  /** Polls every `intervalMs` (immediately again while batches come back full) until stopped. */
  function start(intervalMs = 1000): { stop(): Promise<void>; kick(): void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const loop = async () => {
      timer = undefined;
      let full = false;
      try {
        const round = await dispatchOnce();
        full = round.claimed === batchSize;
      } catch (err) {
        logger?.warn({ err: (err as Error).message }, 'outbox dispatch round failed');
      }
      if (!stopped) timer = setTimeout(tick, full ? 0 : intervalMs);
    };
    const tick = () => {
      running = loop();
    };
    timer = setTimeout(tick, 0);
    return {
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
      },
      kick() {
        if (!stopped && timer) {
          clearTimeout(timer);
          tick();
        }
      },
    };
  }

  return { dispatchOnce, start, deliver, claim };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
