import { readRows } from '../../db/prepared.js';
import { txOf, type ReadSession, type WriteSession } from '../../db/session.js';

/** One partition of a table partitioned by time (migration 106). */
export interface PartitionInfo {
  table: 'Transaction' | 'AuditEvent';
  name: string;
  /** First instant it holds (null: from the earliest time, the "_before" edge). */
  from: Date | null;
  /** First instant it no longer holds (null: to the latest time, the "_after" edge). */
  to: Date | null;
  /** PostgreSQL's estimate of its rows (from the last ANALYZE; -1 when never analysed). */
  estimatedRows: number;
}

/**
 * The partitions of "Transaction" and "AuditEvent", in order, from the catalog: pg_inherits and
 * each partition's bound expression (`FOR VALUES FROM (…) TO (…)`, MINVALUE/MAXVALUE at the edges).
 */
const LAYOUT_SQL = `
  SELECT p.relname::text AS "table", c.relname::text AS "name",
         nullif(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)'), '')::timestamptz AS "from",
         nullif(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)'), '')::timestamptz AS "to",
         c.reltuples::float8 AS "estimatedRows"
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
   WHERE p.relnamespace = 'public'::regnamespace AND p.relname IN ('Transaction', 'AuditEvent')
   ORDER BY 1, 3 NULLS FIRST`;

export const partitionsRepository = {
  /**
   * Creates the partitions of both tables (years of "Transaction", months of "AuditEvent") that
   * [from, to] meets and they lack (backoffice_ensure_partitions, migration 106: it moves rows of
   * a new period out of the edge partition that held them). Returns the names created, none when
   * all existed.
   */
  async ensurePeriods(s: WriteSession, from: Date, to: Date): Promise<string[]> {
    const rows = await txOf(s).$queryRaw<Array<{ name: string }>>`
      SELECT p::text AS "name" FROM backoffice_ensure_partitions(${from}::date, ${to}::date) AS p`;
    return rows.map((r) => r.name);
  },

  /** The partitions of both tables, in order of time. The catalog: no tenant data. */
  async layout(s: ReadSession): Promise<PartitionInfo[]> {
    const rows = await readRows<PartitionInfo>(s, LAYOUT_SQL, []);
    return rows.map((r) => ({ ...r, estimatedRows: Number(r.estimatedRows) }));
  },
};

export type PartitionsRepository = typeof partitionsRepository;
