import { dbOf, type ReadSession } from '../../db/session.js';

/** The column holding the tenant of each tenant-scoped model (the id itself for Tenant). */
const TENANT_COLUMN: Readonly<Record<string, string>> = {
  Tenant: 'id',
  User: 'tenantId',
  Account: 'tenantId',
  Transaction: 'tenantId',
  Category: 'tenantId',
  Budget: 'tenantId',
  RecurringRule: 'tenantId',
  Asset: 'tenantId',
  Liability: 'tenantId',
  Loan: 'tenantId',
  TenantAccessGrant: 'tenantId',
  ExportJob: 'tenantId',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const denialRepository = {
  /**
   * The tenant of the record(s) a refused attempt aimed at, read without any ability: the DENIED
   * event must carry it, or a review of that tenant's trail misses the attempt (the actor is told
   * nothing: the answer stays 404). Null when the records do not exist, span tenants, or the model
   * is not tenant-scoped. Table and column come from the fixed map above, ids are bound.
   */
  async unsafeTenantIdOf(session: ReadSession, resource: string, recordIds: string): Promise<string | null> {
    const column = TENANT_COLUMN[resource];
    const ids = [...new Set(recordIds.split(','))].filter((id) => UUID.test(id)).slice(0, 500);
    if (!column || !ids.length) return null;
    const rows = await dbOf(session).$queryRawUnsafe<Array<{ tenantId: string | null }>>(
      `SELECT DISTINCT "${column}"::text AS "tenantId" FROM "${resource}" WHERE "id" = ANY($1::uuid[])`,
      ids,
    );
    return rows.length === 1 ? (rows[0]!.tenantId ?? null) : null;
  },
};
