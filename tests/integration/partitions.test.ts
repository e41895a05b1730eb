import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteSession } from '../../src/db/session.js';
import { ALL_TENANTS } from '../../src/modules/access/actor.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import { SEED_ACTOR_ID } from '../../src/modules/audit/audit.service.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { monthStart, PARTITION_MONTHS_AHEAD } from '../../src/modules/partitions/partitions.service.js';
import { verify } from '../audit/helpers.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

/**
 * Issue 17: "Transaction" partitioned by year, "AuditEvent" by month (migration 106). What must hold:
 * every instant has exactly one partition (an insert never fails), lists read the partitions in
 * order (no merge of every partition), the application reaches rows only through the parents,
 * the partition-ahead job creates months ahead and moves rows out of the edge partitions without
 * changing them (the audit chains still verify, nothing is counted twice), and the constraints
 * the partition key forced to change still refuse what they refused.
 */
describe('Transaction partitioned by year and AuditEvent by month', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let owner: pg.Client;

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const partitionOf = async (table: string, id: string) =>
    (await owner.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM "${table}" WHERE "id" = $1`, [id])).rows.map(
      (r) => r.p,
    );

  it('covers all of time with range partitions: _before, contiguous periods, _after (no DEFAULT partition)', async () => {
    const layout = await t.services.partitions.layout(jobContext('test'));
    for (const table of ['Transaction', 'AuditEvent'] as const) {
      const parts = layout.filter((p) => p.table === table);
      expect(parts[0]).toMatchObject({ name: `${table}_before`, from: null });
      expect(parts.at(-1)).toMatchObject({ name: `${table}_after`, to: null });
      for (let i = 1; i < parts.length; i++) expect(parts[i]!.from?.getTime()).toBe(parts[i - 1]!.to?.getTime());
      const months = parts.slice(1, -1);
      expect(months.every((p) => (table === 'Transaction' ? /_p\d{4}$/ : /_p\d{4}_\d{2}$/).test(p.name))).toBe(true);
      // The current month and the next PARTITION_MONTHS_AHEAD exist.
      expect(months.at(-1)!.to!.getTime()).toBeGreaterThanOrEqual(monthStart(new Date(), PARTITION_MONTHS_AHEAD + 1).getTime());
    }
    const { rows } = await owner.query<{ strategy: string; key: string; defaults: number }>(
      `SELECT pt.partstrat AS strategy, pg_get_partkeydef(pt.partrelid) AS key,
              (SELECT count(*)::int FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = pt.partrelid AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT') AS defaults
         FROM pg_partitioned_table pt WHERE pt.partrelid IN ('"Transaction"'::regclass, '"AuditEvent"'::regclass)`,
    );
    expect(rows).toEqual([
      { strategy: 'r', key: 'RANGE ("occurredAt")', defaults: 0 },
      { strategy: 'r', key: 'RANGE ("occurredAt")', defaults: 0 },
    ]);
  });

  it('a tenant list page reads the partitions in order and stops (ordered Append, no Merge Append, no Sort)', async () => {
    const tenant = await f.tenant();
    const account = await f.account(tenant.id);
    await owner.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1, $2, 1, 'EUR', 'DEBIT', now() - (g || ' hours')::interval, 'Groceries' FROM generate_series(1, 3000) g`,
      [tenant.id, account.id],
    );
    await owner.query('ANALYZE "Transaction"');
    await owner.query('BEGIN');
    try {
      await owner.query('SET LOCAL ROLE backoffice_app');
      await owner.query(`SELECT set_config('backoffice.tenant_ids', $1, true)`, [`{${tenant.id}}`]);
      const plan = async (sql: string, params: unknown[]) =>
        (await owner.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const page = await plan(
        `SELECT "id" FROM "Transaction" WHERE "tenantId" = $1 ORDER BY "occurredAt" DESC, "id" DESC LIMIT 50`,
        [tenant.id],
      );
      expect(page).toMatch(/-> +Append/);
      expect(page).not.toMatch(/Merge Append|Sort|Seq Scan/);
      // A keyset page after a cursor: the partitions after the cursor's month are pruned at plan time.
      const next = await plan(
        `SELECT "id" FROM "Transaction" WHERE "tenantId" = $1 AND "occurredAt" < $2 ORDER BY "occurredAt" DESC, "id" DESC LIMIT 50`,
        [tenant.id, monthStart(new Date(), -3)],
      );
      expect(next).not.toMatch(/Merge Append|Sort|Seq Scan/);
      expect(next).not.toContain('"Transaction_after"');
      expect(next).not.toContain(`Transaction_p${new Date().getUTCFullYear() + 1}`);
    } finally {
      await owner.query('ROLLBACK');
    }
  });

  it('the application role reaches rows only through the parents (no access to the partitions)', async () => {
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      await expect(app.query('SELECT count(*) FROM backoffice_partitions."Transaction_after"')).rejects.toThrow(
        /permission denied for schema backoffice_partitions/,
      );
      await expect(app.query('SELECT count(*) FROM backoffice_partitions."AuditEvent_before"')).rejects.toThrow(
        /permission denied for schema backoffice_partitions/,
      );
    } finally {
      await app.end();
    }
  });

  it('the partition-ahead job moves rows of new periods out of _after unchanged, once; a second run creates nothing', async () => {
    const tenant = await f.tenant();
    const account = await f.account(tenant.id);
    const ahead = new Date(Date.UTC(new Date().getUTCFullYear() + 6, 4, 17, 12));
    const far = await f.transaction(account, { occurredAt: ahead, description: 'Paid far ahead' });
    const later = await f.transaction(account, { occurredAt: new Date(Date.UTC(2190, 0, 1)), description: 'Much later' });
    expect(await partitionOf('Transaction', far.id)).toEqual(['backoffice_partitions."Transaction_after"']);
    const before = await owner.query(`SELECT to_jsonb(t) AS row FROM "Transaction" t WHERE "id" = $1`, [far.id]);

    const now = new Date(Date.UTC(ahead.getUTCFullYear(), ahead.getUTCMonth() - 1, 3));
    const { created } = await t.services.partitions.ensureAhead(jobContext('partition-maintenance', 'test'), now);
    const month = `Transaction_p${ahead.getUTCFullYear()}`;
    expect(created).toContain(month);
    expect(created).toContain(`AuditEvent_p${ahead.getUTCFullYear()}_07`);
    expect(await partitionOf('Transaction', far.id)).toEqual([`backoffice_partitions."${month}"`]);
    expect(await partitionOf('Transaction', later.id)).toEqual(['backoffice_partitions."Transaction_after"']);
    const after = await owner.query(`SELECT to_jsonb(t) AS row FROM "Transaction" t WHERE "id" = $1`, [far.id]);
    expect(after.rows).toEqual(before.rows);
    // Through the API's service as the tenant's user: still there, once.
    const user = await f.user(tenant.id);
    const page = await t.services.transactions.list(f.userCtx({ ...user, role: 'OWNER' }), { limit: 100 });
    expect(page.data.filter((r: { id: string }) => r.id === far.id)).toHaveLength(1);

    const events = await t.owner.prisma.auditEvent.findMany({ where: { action: 'partition.create' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'SYSTEM', actorId: 'job:partition-maintenance', tenantId: null });
    expect((await t.services.partitions.ensureAhead(jobContext('partition-maintenance', 'again'), now)).created).toEqual([]);
    expect(await t.owner.prisma.auditEvent.count({ where: { action: 'partition.create' } })).toBe(1);
  });

  it('moves audit events out of _before into new months: chains verify, the hourly counts are not counted twice', async () => {
    const tenant = await t.owner.prisma.tenant.create({ data: { slug: `old-${Date.now()}`, name: 'Old history' } });
    const seed = buildSystemContext(SEED_ACTOR_ID, ALL_TENANTS, { correlationId: 'seed-partitions' });
    const at = [new Date(Date.UTC(2019, 2, 10, 9)), new Date(Date.UTC(2019, 2, 11, 9)), new Date(Date.UTC(2020, 6, 1, 9))];
    const ids: string[] = [];
    for (const when of at) {
      const e = await t.owner.prisma.$transaction((tx) =>
        t.services.audit.recordHistory(
          new WriteSession(seed, tx),
          { tenantId: tenant.id, action: 'tenant.update', resource: 'Tenant', recordId: tenant.id },
          when,
        ),
      );
      ids.push(String(e.id));
    }
    expect(await partitionOf('AuditEvent', ids[0]!)).toEqual(['backoffice_partitions."AuditEvent_before"']);
    const counts = async () =>
      (await owner.query(`SELECT coalesce(sum("count"), 0)::int AS n FROM "AuditEventCount" WHERE "tenantId" = $1`, [tenant.id]))
        .rows[0].n;
    expect(await counts()).toBe(3);

    const created = (
      await owner.query<{ name: string }>(
        `SELECT p AS name FROM backoffice_ensure_partitions('2019-03-01', '2019-03-31', 'AuditEvent') p`,
      )
    ).rows.map((r) => r.name);
    expect(created[0]).toBe('AuditEvent_p2019_03');
    expect(await partitionOf('AuditEvent', ids[0]!)).toEqual(['backoffice_partitions."AuditEvent_p2019_03"']);
    expect(await partitionOf('AuditEvent', ids[2]!)).toEqual(['backoffice_partitions."AuditEvent_p2020_07"']);
    expect(await counts()).toBe(3);
    expect((await verify(t, tenant.id)).status).toBe('intact');
    expect((await verify(t)).status).toBe('intact');
    // The edge still starts at the earliest time and ends where the months begin.
    const layout = (await t.services.partitions.layout(jobContext('test'))).filter((p) => p.table === 'AuditEvent');
    expect(layout[0]).toMatchObject({ name: 'AuditEvent_before', from: null, to: new Date('2019-03-01T00:00:00Z') });
  });

  it('an adjustment must adjust an existing transaction of its own tenant (what the foreign key did)', async () => {
    const a = await f.tenant();
    const b = await f.tenant();
    const accountA = await f.account(a.id);
    const accountB = await f.account(b.id);
    const original = await f.transaction(accountB);
    const adjust = (adjusts: string) =>
      owner.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "kind", "adjustsTransactionId")
         VALUES ($1, $2, 1, 'EUR', 'CREDIT', now(), 'ADJUSTMENT', $3)`,
        [a.id, accountA.id, adjusts],
      );
    await expect(adjust(original.id)).rejects.toMatchObject({ code: '23503' });
    await expect(adjust('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: '23503' });
    const own = await f.transaction(accountA);
    await expect(adjust(own.id)).resolves.toMatchObject({ rowCount: 1 });
  });

  it("a recurring rule's transaction of a date stays unique, and occurs at its date", async () => {
    const tenant = await f.tenant();
    const account = await f.account(tenant.id);
    const rule = await t.owner.prisma.recurringRule.create({
      data: {
        tenantId: tenant.id,
        accountId: account.id,
        amount: '5',
        currency: 'EUR',
        direction: 'DEBIT',
        frequency: 'MONTHLY',
        startsOn: new Date('2026-01-01'),
        nextRunOn: new Date('2026-01-01'),
        description: 'Rent',
      },
    });
    const insert = (occurredAt: string) =>
      owner.query(
        `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "recurringRuleId", "recurrenceDate")
         VALUES ($1, $2, 5, 'EUR', 'DEBIT', $4, $3, '2026-02-01') ON CONFLICT DO NOTHING`,
        [tenant.id, account.id, rule.id, occurredAt],
      );
    expect((await insert('2026-02-01T00:00:00Z')).rowCount).toBe(1);
    expect((await insert('2026-02-01T00:00:00Z')).rowCount).toBe(0);
    await expect(insert('2026-02-01T10:00:00Z')).rejects.toMatchObject({ code: '23514' });
  });
});
