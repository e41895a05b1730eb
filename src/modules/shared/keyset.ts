import { z } from 'zod';
import { validation } from '../../lib/errors.js';

/**
 * Keyset (cursor) pagination on (timestamp desc, id desc): stable while rows are inserted, and
 * every page is an index range scan however deep it is (no OFFSET). The cursor is opaque to
 * clients: base64url of the last row's key, versioned so its format can change.
 */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface CursorKey {
  at: Date;
  id: string;
}

const CursorPayload = z.tuple([z.literal(1), z.iso.datetime(), z.uuid()]);

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([1, key.at.toISOString(), key.id])).toString('base64url');
}

/** Decodes a cursor or throws VALIDATION_ERROR with detail `{field: "cursor", code: "invalid"}`. */
export function decodeCursor(cursor: string, field = 'cursor'): CursorKey {
  const fail = () => validation([{ field, code: 'invalid_cursor', message: 'The cursor is not valid' }]);
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  const result = CursorPayload.safeParse(parsed);
  if (!result.success) throw fail();
  const at = new Date(result.data[1]);
  if (Number.isNaN(at.getTime())) throw fail();
  return { at, id: result.data[2] };
}

/**
 * The Prisma condition "strictly after the cursor" in (field desc, id desc) order. The redundant
 * `lte` lets PostgreSQL start the index scan at the cursor instead of filtering from the top.
 */
export function afterCursor<F extends string>(field: F, key: CursorKey | undefined): Record<string, unknown> {
  if (!key) return {};
  return {
    [field]: { lte: key.at },
    OR: [{ [field]: { lt: key.at } }, { [field]: key.at, id: { lt: key.id } }],
  };
}

/** Cuts the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number, keyOf: (row: T) => Date): Page<T> {
  if (rows.length <= limit) return { data: rows, nextCursor: null };
  const data = rows.slice(0, limit);
  const last = data[data.length - 1]!;
  return { data, nextCursor: encodeCursor({ at: keyOf(last), id: last.id }) };
}

export const PageQuery = z.object({
  limit: z.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().optional(),
});
export type PageQuery = z.input<typeof PageQuery>;
