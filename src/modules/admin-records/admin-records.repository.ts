import type { PrismaClient } from '@prisma/client';
import type { Tx } from '../../db/prisma.js';
import type { AdminModel } from './admin-records.policy.js';

export type Row = Record<string, unknown> & { id: unknown };

/** The subset of a Prisma model delegate the generic admin service uses. */
export interface RecordDelegate {
  findMany(args: Record<string, unknown>): Promise<Row[]>;
  findFirst(args: Record<string, unknown>): Promise<Row | null>;
  count(args: Record<string, unknown>): Promise<number>;
  create(args: Record<string, unknown>): Promise<Row>;
  updateMany(args: Record<string, unknown>): Promise<{ count: number }>;
  deleteMany(args: Record<string, unknown>): Promise<{ count: number }>;
}

/**
 * The only place the generic admin service touches Prisma: the model's delegate. Every call made
 * through it by the service carries the actor's `where` scope.
 */
export const adminRecordRepository = {
  delegate(db: PrismaClient | Tx, model: AdminModel): RecordDelegate {
    const name = `${model[0]!.toLowerCase()}${model.slice(1)}`;
    return (db as unknown as Record<string, RecordDelegate>)[name]!;
  },
};
