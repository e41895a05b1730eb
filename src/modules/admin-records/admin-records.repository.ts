import { Prisma } from '@prisma/client';
import { readRows } from '../../db/prepared.js';
import { dbOf, type ReadSession } from '../../db/session.js';
import { col, PositionalParams, prismaWhereToSql, type FieldTypes, type SqlType } from '../access/scope-sql.js';
import { scope, scopeWithinTenant } from '../shared/guard.js';
import type { AdminModel } from './admin-records.policy.js';
import { modelMeta, type FieldMeta } from './model-metadata.js';

export type Row = Record<string, unknown> & { id: unknown };

type Where = Record<string, unknown>;
type Args = Record<string, unknown> & { where?: Where };

/** The read subset of a Prisma model delegate the admin's generic lists use. */
interface ReadDelegate {
  findMany(args: Args): Promise<Row[]>;
  findFirst(args: Args): Promise<Row | null>;
  count(args: Args): Promise<number>;
}

const delegateOf = (session: ReadSession, model: AdminModel): ReadDelegate => {
  const name = `${model[0]!.toLowerCase()}${model.slice(1)}`;
  return (dbOf(session) as unknown as Record<string, ReadDelegate>)[name]!;
};

/** The caller's conditions within the session's ability to read the model: `AND` of both. */
const visible = (session: ReadSession, model: AdminModel, where: Where | undefined): Where => ({
  AND: [scope(session.ctx, 'read', model), ...(where ? [where] : [])],
});

/** One column as the SQL reads select it, and back into the value Prisma would have returned. */
interface SqlColumn {
  type: SqlType;
  select: string;
  decode: (value: unknown) => unknown;
}

const same = (value: unknown): unknown => value;
const orNull =
  (decode: (value: string) => unknown) =>
  (value: unknown): unknown =>
    // pg hands text (`::text` columns) or a number (the float8 epoch of a timestamp).
    value === null || value === undefined ? null : decode(typeof value === 'number' ? String(value) : (value as string));

/** A column's SQL form, or null for a type the SQL reads do not render exactly as Prisma (lists, Json, Bytes). */
function sqlColumnOf(field: FieldMeta): SqlColumn | null {
  const c = col('t', field.name);
  if (field.isList) return null;
  if (field.kind === 'enum') return { type: `"${field.type}"`, select: `${c}::text`, decode: same };
  if (field.kind !== 'scalar') return null;
  const native = field.nativeType?.[0];
  switch (field.type) {
    case 'String':
      return native === 'Uuid' ? { type: 'uuid', select: `${c}::text`, decode: same } : { type: 'text', select: c, decode: same };
    case 'Boolean':
      return { type: 'boolean', select: c, decode: same };
    case 'Int':
      return { type: 'int', select: c, decode: same };
    case 'BigInt':
      return { type: 'bigint', select: `${c}::text`, decode: orNull(BigInt) };
    case 'Decimal':
      return { type: 'numeric', select: `${c}::text`, decode: orNull((v) => new Prisma.Decimal(v)) };
    case 'DateTime':
      // Epoch milliseconds: a number parses far cheaper than timestamp text, and a date or a
      // timestamp without time zone comes back as Prisma returns it (UTC).
      return {
        type: native === 'Date' ? 'date' : native === 'Timestamp' ? 'timestamp' : 'timestamptz',
        select: `(extract(epoch FROM ${c}) * 1000)::float8`,
        decode: orNull((v) => new Date(Number(v))),
      };
    default:
      return null;
  }
}

/**
 * The models whose generic reads are SQL, not Prisma: the Transaction list (the biggest table,
 * the admin's busiest page) and the models its pages look up by reference. Each admin GET of it
 * ran six Prisma queries, and Prisma's client and query compiler were ~30 % of the CPU of the
 * request (docs/benchmarks.md); in SQL they are prepared statements with no ORM in between,
 * carrying the same ability through the one CASL → SQL translator.
 */
const SQL_READ_MODELS: readonly AdminModel[] = ['Transaction', 'Account', 'Category', 'Tenant'];

/** Primary keys the schema does not show: a partitioned table's includes its partition key (migration 106). */
const PRIMARY_KEYS: Partial<Record<AdminModel, readonly string[]>> = { Transaction: ['id', 'occurredAt'] };

interface SqlShape {
  table: string;
  /** The primary key's columns (a partitioned table's includes its partition key). */
  keys: readonly string[];
  columns: ReadonlyMap<string, SqlColumn>;
  fields: FieldTypes;
}

const sqlShapes = new Map<AdminModel, SqlShape>(
  SQL_READ_MODELS.map((model) => {
    const columns = new Map<string, SqlColumn>();
    for (const field of modelMeta(model).fields) {
      if (field.kind === 'object') continue;
      const column = sqlColumnOf(field);
      if (!column) throw new Error(`${model}.${field.name} cannot be read in SQL as Prisma reads it`);
      columns.set(field.name, column);
    }
    const fields = Object.fromEntries([...columns].map(([name, c]) => [name, c.type]));
    return [model, { table: `"${model}"`, keys: PRIMARY_KEYS[model] ?? ['id'], columns, fields }];
  }),
);

type Order = Record<string, 'asc' | 'desc'>;

/** The columns `args` asks for: its `select`, else every column but those it omits. */
function selectedOf(shape: SqlShape, args: Args): string[] {
  const select = args.select as Record<string, boolean> | undefined;
  const omit = (args.omit ?? {}) as Record<string, boolean>;
  const names = select ? Object.keys(select).filter((k) => select[k]) : [...shape.columns.keys()].filter((k) => !omit[k]);
  for (const name of names) if (!shape.columns.has(name)) throw new Error(`unknown column ${name}`);
  return names;
}

/** The columns and directions of an `orderBy`, each checked against the model's columns. */
function orderOf(shape: SqlShape, orderBy: readonly Order[]): Array<{ name: string; dir: 'ASC' | 'DESC' }> {
  return orderBy.flatMap((o) =>
    Object.entries(o).map(([name, dir]) => {
      if (!shape.columns.has(name) || (dir !== 'asc' && dir !== 'desc')) throw new Error(`cannot order by ${name} ${dir}`);
      return { name, dir: dir === 'asc' ? ('ASC' as const) : ('DESC' as const) };
    }),
  );
}

/** The statement of a read: the rows of `where` in `orderBy`, from `skip`, at most `take`. */
function sqlRead(shape: SqlShape, where: Where, args: Args, select: string): { text: string; values: unknown[] } {
  const p = new PositionalParams();
  const condition = prismaWhereToSql(where, 't', shape.fields, p);
  const orderBy = (Array.isArray(args.orderBy) ? args.orderBy : args.orderBy ? [args.orderBy] : []) as Order[];
  // The table's column (the index's order), not the output alias of the same name.
  const order = orderOf(shape, orderBy).map((o) => `${col('t', o.name)} ${o.dir}`);
  const take = typeof args.take === 'number' ? ` LIMIT ${p.add(args.take, 'bigint')}` : '';
  const skip = typeof args.skip === 'number' && args.skip > 0 ? ` OFFSET ${p.add(args.skip, 'bigint')}` : '';
  const orderSql = order.length ? ` ORDER BY ${order.join(', ')}` : '';
  const ordersById = orderBy.some((o) => 'id' in o);
  if (skip && ordersById) {
    // A deep page: the rows it skips are walked for their keys only (an index-only scan of the
    // list's index), and only the page's rows are read and projected. Read whole, the skipped
    // rows were each fetched from the heap and converted (page 500: 22 ms instead of 2 ms).
    const keys = shape.keys.map((k) => col('t', k));
    const inner = `SELECT ${keys.map((k, i) => `${k} AS k${i}`).join(', ')} FROM ${shape.table} t WHERE ${condition}${orderSql}${take}${skip}`;
    // Each key looked up by the primary key, whatever the plan expects of LIMIT $n OFFSET $m (a
    // generic plan guessed 100,000 rows and hash-joined the whole table: 730 ms). The LIMIT 1 of
    // a primary-key lookup keeps PostgreSQL from flattening the LATERAL into that join.
    const on = keys.map((k, i) => `${k} = page.k${i}`).join(' AND ');
    const byKey = `CROSS JOIN LATERAL (SELECT * FROM ${shape.table} t WHERE ${on} LIMIT 1) t`;
    return withUsedParameters(`SELECT ${select} FROM (${inner}) page ${byKey}${orderSql}`, p.values);
  }
  const text = `SELECT ${select} FROM ${shape.table} t WHERE ${condition}${orderSql}${take}${skip}`;
  return withUsedParameters(text, p.values);
}

/**
 * The statement with only the parameters its text uses, numbered again: a branch the translator
 * simplified away (`x AND FALSE`) leaves its values behind, and PostgreSQL refuses a parameter it
 * cannot type. The text holds no literal, so every `$n::` is a placeholder.
 */
function withUsedParameters(text: string, values: readonly unknown[]): { text: string; values: unknown[] } {
  const used = new Map<number, number>();
  const renumbered = text.replace(/\$(\d+)::/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (!used.has(index)) used.set(index, used.size + 1);
    return `$${used.get(index)}::`;
  });
  return { text: renumbered, values: [...used.keys()].map((index) => values[index]) };
}

async function sqlFindMany(session: ReadSession, shape: SqlShape, where: Where, args: Args): Promise<Row[]> {
  const names = selectedOf(shape, args);
  const select = names.map((name) => `${shape.columns.get(name)!.select} AS "${name}"`).join(', ');
  const { text, values } = sqlRead(shape, where, args, select);
  const rows = await readRows<Record<string, unknown>>(session, text, values);
  return rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = shape.columns.get(name)!.decode(raw[name]);
    return row as Row;
  });
}

async function sqlCount(session: ReadSession, shape: SqlShape, where: Where, args: Args): Promise<number> {
  const { text, values } = sqlRead(shape, where, args, '1');
  const rows = await readRows<{ n: number }>(session, `SELECT count(*)::int AS n FROM (${text}) counted`, values);
  return rows[0]?.n ?? 0;
}

/** A read of `model`: in SQL for the models above, else through its Prisma delegate. */
const reader = (session: ReadSession, model: AdminModel) => {
  const shape = sqlShapes.get(model);
  return {
    findMany: (where: Where, args: Args): Promise<Row[]> =>
      shape ? sqlFindMany(session, shape, where, args) : delegateOf(session, model).findMany({ ...args, where }),
    findFirst: async (where: Where, args: Args): Promise<Row | null> =>
      shape
        ? ((await sqlFindMany(session, shape, where, { ...args, take: 1 }))[0] ?? null)
        : delegateOf(session, model).findFirst({ ...args, where }),
    count: (where: Where, args: Args): Promise<number> =>
      shape ? sqlCount(session, shape, where, args) : delegateOf(session, model).count({ ...args, where }),
  };
};

/**
 * The admin's generic reads: lists, counts and single records of any model, each query carrying
 * the session's ability to read it (the caller cannot leave it out). The admin writes nothing
 * here: every create, edit and delete goes through the model's domain service.
 */
export const adminRecordRepository = {
  findManyVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<Row[]> =>
    reader(session, model).findMany(visible(session, model, args.where), args),

  /**
   * findManyVisible within one tenant (a tenant-scoped staff member's list, read tenant by
   * tenant): the ability within that tenant (scopeWithinTenant) and the caller's conditions.
   */
  findManyVisibleInTenant: (session: ReadSession, model: AdminModel, tenantId: string, args: Args): Promise<Row[]> =>
    reader(session, model).findMany(
      { AND: [scopeWithinTenant(session.ctx, 'read', model, tenantId), ...(args.where ? [args.where] : [])] },
      args,
    ),

  /**
   * The ids of one page of a list read tenant by tenant (findManyVisibleInTenant's condition for
   * each tenant), merged in the list's order by PostgreSQL in one statement: each tenant's first
   * skip + take keys from its (tenantId, …) index, then the page. Null for a model not read in
   * SQL (the caller merges the tenants' keys itself). A deep page of three busy tenants sent
   * 15,000 keys to the app to sort for 10 (issue 17).
   */
  async pageIdsAcrossTenants(
    session: ReadSession,
    model: AdminModel,
    tenantIds: readonly string[],
    args: { where: Where; orderBy: Order[]; skip: number; take: number },
  ): Promise<string[] | null> {
    const shape = sqlShapes.get(model);
    if (!shape || tenantIds.length === 0) return shape ? [] : null;
    const p = new PositionalParams();
    const order = orderOf(shape, args.orderBy);
    const reach = p.add(args.skip + args.take, 'bigint');
    const parts = tenantIds.map((tenantId) => {
      const where = { AND: [scopeWithinTenant(session.ctx, 'read', model, tenantId), args.where] };
      const condition = prismaWhereToSql(where, 't', shape.fields, p);
      const outputs = order.map((o, i) => `${col('t', o.name)} AS o${i}`).join(', ');
      const sort = order.map((o) => `${col('t', o.name)} ${o.dir}`).join(', ');
      return `(SELECT t."id" AS k, ${outputs} FROM ${shape.table} t WHERE ${condition} ORDER BY ${sort} LIMIT ${reach})`;
    });
    const sort = order.map((o, i) => `u.o${i} ${o.dir}`).join(', ');
    const page = ` LIMIT ${p.add(args.take, 'bigint')} OFFSET ${p.add(args.skip, 'bigint')}`;
    const { text, values } = withUsedParameters(
      `SELECT u.k::text AS id FROM (${parts.join(' UNION ALL ')}) u ORDER BY ${sort}${page}`,
      p.values,
    );
    return (await readRows<{ id: string }>(session, text, values)).map((r) => r.id);
  },

  findFirstVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<Row | null> =>
    reader(session, model).findFirst(visible(session, model, args.where), args),

  countVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<number> =>
    reader(session, model).count(visible(session, model, args.where), args),

  /**
   * The ids of at most `limit` rows of the session's tenant set whose `column` contains
   * `needle` (case-insensitive, literally), answered from the column's trigram index by
   * backoffice_text_matches() (migrations 105, 108): under row-level security a query's ILIKE
   * cannot use that index. The function accepts only its own list of columns (the models'
   * `textSearch`). Ids, not rows: the caller reads the rows through the policies and its ability.
   * Null for a tenant set whose rows are fewer than the text's matches (planner estimates): the
   * index would read more than the set holds, and the caller's ILIKE is the better plan.
   */
  async textMatches(
    session: ReadSession,
    model: AdminModel,
    column: string,
    needle: string,
    limit: number,
  ): Promise<string[] | null> {
    const text = 'SELECT backoffice_text_matches($1::text, $2::text, $3::text, $4::int)::text[] AS ids';
    const rows = await readRows<{ ids: string[] | null }>(session, text, [model, column, needle, limit]);
    return rows.length ? rows[0]!.ids : [];
  },
};
