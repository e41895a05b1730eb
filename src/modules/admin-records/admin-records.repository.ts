import { readRows } from '../../db/prepared.js';
import { dbOf, type ReadSession } from '../../db/session.js';
import { scope, scopeWithinTenant } from '../shared/guard.js';
import type { AdminModel } from './admin-records.policy.js';

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

/**
 * The admin's generic reads: lists, counts and single records of any model, each query carrying
 * the session's ability to read it (the caller cannot leave it out). The admin writes nothing
 * here: every create, edit and delete goes through the model's domain service.
 */
export const adminRecordRepository = {
  findManyVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<Row[]> =>
    delegateOf(session, model).findMany({ ...args, where: visible(session, model, args.where) }),

  /**
   * findManyVisible within one tenant (a tenant-scoped staff member's list, read tenant by
   * tenant): the ability within that tenant (scopeWithinTenant) and the caller's conditions.
   */
  findManyVisibleInTenant: (session: ReadSession, model: AdminModel, tenantId: string, args: Args): Promise<Row[]> =>
    delegateOf(session, model).findMany({
      ...args,
      where: { AND: [scopeWithinTenant(session.ctx, 'read', model, tenantId), ...(args.where ? [args.where] : [])] },
    }),

  findFirstVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<Row | null> =>
    delegateOf(session, model).findFirst({ ...args, where: visible(session, model, args.where) }),

  countVisible: (session: ReadSession, model: AdminModel, args: Args): Promise<number> =>
    delegateOf(session, model).count({ ...args, where: visible(session, model, args.where) }),

  /**
   * The ids of at most `limit` rows of the session's tenant set whose `column` contains
   * `needle` (case-insensitive, literally), answered from the column's trigram index by
   * backoffice_text_matches() (migration 105): under row-level security a query's ILIKE cannot
   * use that index. The function accepts only its own list of columns (the models'
   * `textSearch`). Ids, not rows: the caller reads the rows through the policies and its ability.
   */
  async textMatches(session: ReadSession, model: AdminModel, column: string, needle: string, limit: number): Promise<string[]> {
    const text = 'SELECT backoffice_text_matches($1::text, $2::text, $3::text, $4::int)::text[] AS ids';
    return (await readRows<{ ids: string[] }>(session, text, [model, column, needle, limit]))[0]?.ids ?? [];
  },
};
