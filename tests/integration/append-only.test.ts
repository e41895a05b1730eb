import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

describe('append-only financial records and audit trail (in the database)', () => {
  let t: TestContext;
  let app: pg.Client;
  let txId: string;

  beforeAll(async () => {
    t = await createTestContext();
    const f = factories(t.owner.prisma, t.services);
    const tenant = await f.tenant();
    const account = await f.account(tenant.id);
    txId = (await f.transaction(account)).id;
    app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
  });
  afterAll(async () => {
    await app.end();
    await t.close();
  });

  it('connects as the application role, not as the owner', async () => {
    const { rows } = await app.query('SELECT current_user AS u');
    expect(rows[0].u).toBe('backoffice_app');
  });

  it.each([
    ['UPDATE', `UPDATE "Transaction" SET "description" = 'changed' WHERE "id" = $1`],
    ['DELETE', `DELETE FROM "Transaction" WHERE "id" = $1`],
  ])('refuses %s on Transaction for the application role', async (_op, sql) => {
    await expect(app.query(sql, [txId])).rejects.toThrow(/permission denied/);
  });

  it.each([
    ['UPDATE', `UPDATE "AuditEvent" SET "action" = 'forged'`],
    ['DELETE', `DELETE FROM "AuditEvent"`],
    ['TRUNCATE', `TRUNCATE "AuditEvent"`],
    ['TRUNCATE', `TRUNCATE "Transaction"`],
  ])('refuses %s on append-only tables for the application role', async (_op, sql) => {
    await expect(app.query(sql)).rejects.toThrow(/permission denied/);
  });

  it('refuses UPDATE, DELETE and TRUNCATE even for the owner, through triggers', async () => {
    const owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE "Transaction" SET "description" = 'x' WHERE "id" = $1`, [txId])).rejects.toThrow(
        /append-only/,
      );
      await expect(owner.query(`DELETE FROM "Transaction" WHERE "id" = $1`, [txId])).rejects.toThrow(/append-only/);
      await expect(owner.query(`TRUNCATE "Transaction" CASCADE`)).rejects.toThrow(/append-only/);
      await expect(owner.query(`UPDATE "AuditEvent" SET "action" = 'x'`)).rejects.toThrow(/append-only/);
      await expect(owner.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    } finally {
      await owner.end();
    }
    const still = await t.owner.prisma.transaction.findUnique({ where: { id: txId } });
    expect(still?.description).toBe('Test purchase');
  });

  it('still accepts inserts of new rows (corrections are appended)', async () => {
    const original = await t.owner.prisma.transaction.findUniqueOrThrow({ where: { id: txId } });
    const adjustment = await t.owner.prisma.transaction.create({
      data: {
        tenantId: original.tenantId,
        accountId: original.accountId,
        amount: '2.50',
        currency: original.currency,
        direction: 'CREDIT',
        occurredAt: new Date(),
        kind: 'ADJUSTMENT',
        adjustsTransactionId: original.id,
      },
    });
    expect(adjustment.adjustsTransactionId).toBe(original.id);
  });

  /**
   * A statement as the application role inside a transaction with a tenant set (all tenants, as
   * a system job would have): row-level security admits the row, so what refuses it is the
   * constraint under test (ADR 0011; without a set, the policy refuses it first).
   */
  const inTenantSet = async (sql: string, params: unknown[]) => {
    await app.query(`BEGIN; SET LOCAL backoffice.all_tenants = 'on'`);
    try {
      return await app.query(sql, params);
    } finally {
      await app.query('ROLLBACK');
    }
  };

  it('refuses an adjustment without a reference and a non-positive amount (check constraints)', async () => {
    const original = await t.owner.prisma.transaction.findUniqueOrThrow({ where: { id: txId } });
    await expect(
      inTenantSet(
        `INSERT INTO "Transaction" ("tenantId","accountId","amount","currency","direction","occurredAt","kind") VALUES ($1,$2,1,'EUR','DEBIT',now(),'ADJUSTMENT')`,
        [original.tenantId, original.accountId],
      ),
    ).rejects.toThrow(/Transaction_adjustment_reference/);
    await expect(
      inTenantSet(
        `INSERT INTO "Transaction" ("tenantId","accountId","amount","currency","direction","occurredAt") VALUES ($1,$2,-1,'EUR','DEBIT',now())`,
        [original.tenantId, original.accountId],
      ),
    ).rejects.toThrow(/Transaction_amount_positive/);
  });

  it("refuses a transaction pointing at another tenant's account (composite foreign key)", async () => {
    const f = factories(t.owner.prisma, t.services);
    const other = await f.tenant();
    const original = await t.owner.prisma.transaction.findUniqueOrThrow({ where: { id: txId } });
    await expect(
      inTenantSet(
        `INSERT INTO "Transaction" ("tenantId","accountId","amount","currency","direction","occurredAt") VALUES ($1,$2,1,'EUR','DEBIT',now())`,
        [other.id, original.accountId],
      ),
    ).rejects.toThrow(/Transaction_tenant_account_fkey/);
  });
});
