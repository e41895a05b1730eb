import type { PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';

/** Runs the write part of a service call inside one database transaction. */
export type UnitOfWork = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Options of a write service function. A caller may run the write inside its own transaction
 * (`tx`) or hand in the transaction to use (`unitOfWork`) — the idempotency service does, so the
 * key is claimed in the very transaction that creates the record and writes its audit event.
 * Services do their reads and visibility checks before, outside any transaction.
 */
export interface WriteOptions {
  tx?: Tx | undefined;
  unitOfWork?: UnitOfWork | undefined;
}

/** Transaction settings for writes: wait for a connection under load rather than failing fast. */
export const WRITE_TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/** Runs `work` in the caller's transaction or unit of work, otherwise in a new transaction. */
export function inTransaction<T>(prisma: PrismaClient, options: WriteOptions, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (options.tx) return work(options.tx);
  if (options.unitOfWork) return options.unitOfWork(work);
  return prisma.$transaction((tx) => work(tx), WRITE_TX_OPTIONS);
}
