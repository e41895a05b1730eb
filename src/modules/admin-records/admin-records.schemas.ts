import { z } from 'zod';

/** Lists never page past this many rows: no deep OFFSET scans on large tables. */
export const MAX_LIST_WINDOW = 10_000;
/** Counts stop here: a list shows "10,000+" rather than scanning millions of rows. */
export const COUNT_CAP = 10_000;
export const MAX_PAGE_SIZE = 500;

export const FilterOperator = z.enum(['equals', 'contains', 'gte', 'lte']);
export type FilterOperator = z.infer<typeof FilterOperator>;

/** One condition of a list, on a column, with the value as the admin sent it (coerced here). */
export const FilterClause = z.object({
  field: z.string().min(1).max(64),
  op: FilterOperator,
  value: z.unknown(),
});
export type FilterClause = z.infer<typeof FilterClause>;

export const ListQuery = z.object({
  filters: z.array(FilterClause).max(40).default([]),
  sort: z.object({ field: z.string().max(64), direction: z.enum(['asc', 'desc']) }).optional(),
  take: z.number().int().min(1).max(MAX_PAGE_SIZE).default(10),
  skip: z.number().int().min(0).default(0),
});
export type ListQuery = z.input<typeof ListQuery>;

export const CountQuery = z.object({ filters: z.array(FilterClause).max(40).default([]) });
export type CountQuery = z.input<typeof CountQuery>;

/** A record's changes as the admin sent them: column → raw value. */
export const RecordInput = z.record(z.string().max(64), z.unknown());
export type RecordInput = z.input<typeof RecordInput>;

export const RecordIds = z.array(z.string().max(100)).min(1).max(MAX_PAGE_SIZE);

export interface CappedCount {
  /** The number of rows, at most COUNT_CAP. */
  count: number;
  /** True when more than COUNT_CAP rows match (shown as "10,000+"). */
  capped: boolean;
}

/** Largest page number that keeps offset + page size within MAX_LIST_WINDOW. */
export const maxPageFor = (perPage: number): number => Math.max(1, Math.floor(MAX_LIST_WINDOW / Math.max(1, perPage)));
