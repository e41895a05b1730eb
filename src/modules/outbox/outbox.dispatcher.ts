import type { OutboxEvent, Prisma, PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { Logger } from '../../lib/logger.js';

/** Handles one event type. Must be idempotent: an event may be delivered more than once. */
export type OutboxConsumer = (event: OutboxEvent) => Promise<void>;

/** Writes an outbox event inside the caller's transaction (the change and its side effect commit together). */
export function writeOutboxEvent(tx: Tx, event: { type: string; tenantId?: string | null; payload: Prisma.InputJsonValue }) {
  return tx.outboxEvent.create({ data: { type: event.type, tenantId: event.tenantId ?? null, payload: event.payload } });
}

export interface OutboxDispatcherOptions {
  prisma: PrismaClient;
  consumers: Readonly<Record<string, OutboxConsumer>>;
  logger?: Logger;
  /** Events claimed per round. */
  batchSize?: number;
  /** How long a claimed event is hidden from other dispatchers; a crashed dispatcher's events come back after it. */
  leaseSeconds?: number;
  /** After this many failed deliveries an event is marked FAILED (visible in the admin). */
  maxAttempts?: number;
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
  const { prisma, consumers, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseSeconds = options.leaseSeconds ?? 120;
  const maxAttempts = options.maxAttempts ?? 12;

  async function claim(): Promise<OutboxEvent[]> {
    return prisma.$queryRaw<OutboxEvent[]>`
      UPDATE "OutboxEvent" AS o
         SET "attempts" = o."attempts" + 1,
             "availableAt" = now() + make_interval(secs => ${leaseSeconds}::int)
       WHERE o."id" IN (
         SELECT "id" FROM "OutboxEvent"
          WHERE "status" = 'PENDING' AND "availableAt" <= now()
          ORDER BY "availableAt", "createdAt"
          LIMIT ${batchSize}::int
          FOR UPDATE SKIP LOCKED)
      RETURNING o.*`;
  }

  async function deliver(event: OutboxEvent): Promise<boolean> {
    const consumer = consumers[event.type];
    try {
      if (!consumer) throw new Error(`no consumer for event type ${event.type}`);
      await consumer(event);
      await prisma.outboxEvent.updateMany({
        where: { id: event.id, status: 'PENDING' },
        data: { status: 'DISPATCHED', dispatchedAt: new Date(), lastError: null },
      });
      return true;
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const final = !consumer || event.attempts >= maxAttempts;
      await prisma.outboxEvent.updateMany({
        where: { id: event.id, status: 'PENDING' },
        data: final
          ? { status: 'FAILED', lastError: message }
          : { lastError: message, availableAt: new Date(Date.now() + retryDelaySeconds(event.attempts) * 1000) },
      });
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
