import type { ServiceContext } from '../../lib/context.js';
import { forbidden } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import type { PartitionInfo, PartitionsRepository } from './partitions.repository.js';

/** How many months ahead of the current one every partitioned table has its month partitions. */
export const PARTITION_MONTHS_AHEAD = 3;

/** The first day (UTC) of the month `months` after the month of `at`. */
export function monthStart(at: Date, months = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
}

export interface PartitionServiceDeps extends CoreDeps {
  partitions: PartitionsRepository;
}

/**
 * "Transaction" is partitioned by year and "AuditEvent" by month (migration 106, docs/partitioning.md).
 * The partition-ahead job keeps the partitions of the current month and the next
 * PARTITION_MONTHS_AHEAD ones created (the years they fall in, for transactions), so writes land in
 * a period partition and not in the "_after" edge; creating a period moves the edge's rows of it
 * into it. What it created is audited (partition.create, in the global chain) in the same
 * transaction.
 */
export function createPartitionService({ db, audit, partitions }: PartitionServiceDeps) {
  async function ensureAhead(
    ctx: ServiceContext,
    now = new Date(),
    monthsAhead = PARTITION_MONTHS_AHEAD,
  ): Promise<{ created: string[] }> {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'partitions are maintained by a system job');
    return db.write(ctx, async (s) => {
      const created = await partitions.ensurePeriods(s, monthStart(now), monthStart(now, monthsAhead));
      if (created.length)
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: null,
          action: 'partition.create',
          resource: 'Partition',
          recordId: null,
          diff: { partitions: { from: null, to: created } },
        });
      return { created };
    });
  }

  /** The partitions of both tables, oldest first (operators, the CLI). */
  async function layout(ctx: ServiceContext): Promise<PartitionInfo[]> {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'the partition layout is an operator view');
    return db.read(ctx, (s) => partitions.layout(s));
  }

  return { ensureAhead, layout };
}

export type PartitionService = ReturnType<typeof createPartitionService>;
