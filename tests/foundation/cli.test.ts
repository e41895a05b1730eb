import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestContext, type TestContext } from '../helpers/db.js';

describe('npx backoffice (CLI)', () => {
  let t: TestContext;
  const run = (args: string[], input?: string, env: Record<string, string> = {}) => runCli(t.db, args, { input, env });

  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => t.close());

  it('migrate applies nothing on an up-to-date database', () => {
    const r = run(['migrate']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Nothing to apply\.\nDatabase at version \d+\./);
  });

  it('audit:archive refuses a cut-off inside the months kept (exit 1, nothing changed)', () => {
    const month = new Date().toISOString().slice(0, 7);
    const r = run(['audit:archive', '--before', month, '--out', '.']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Refused: the last 12 month\(s\) stay in the database/);
    expect(run(['audit:archive', '--before', '2024-13', '--out', '.']).err).toMatch(/must be a month, YYYY-MM/);
  });

  it('tenant:create creates a tenant and refuses a duplicate slug', async () => {
    const r = run(['tenant:create', '--slug', 'cli-house', '--name', 'CLI household']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Created tenant cli-house/);
    const tenant = await t.owner.prisma.tenant.findUnique({ where: { slug: 'cli-house' } });
    expect(tenant?.name).toBe('CLI household');
    expect(await t.owner.prisma.category.count({ where: { tenantId: tenant!.id } })).toBeGreaterThan(5);
    const again = run(['tenant:create', '--slug', 'cli-house', '--name', 'Other']);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/TENANT.SLUG_TAKEN/);
  });

  it('staff:create reads the password from stdin and creates SUPPORT grants per --tenant', async () => {
    const r = run(
      ['staff:create', '--email', 'agent@staff.test', '--role', 'SUPPORT', '--tenant', 'cli-house', '--password-stdin'],
      'a-long-and-unusual-password\n',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const staff = await t.owner.prisma.staffUser.findUniqueOrThrow({ where: { email: 'agent@staff.test' } });
    expect(staff.role).toBe('SUPPORT');
    expect(staff.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const grants = await t.owner.prisma.tenantAccessGrant.findMany({ where: { staffUserId: staff.id } });
    expect(grants).toHaveLength(1);
    expect(grants[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const events = await t.owner.prisma.auditEvent.findMany({ where: { action: { in: ['staff.create', 'access.grant'] } } });
    expect(events.map((e) => e.action).sort()).toEqual(['access.grant', 'staff.create']);
  });

  it('staff:create refuses short and common passwords', () => {
    const short = run(['staff:create', '--email', 'x@staff.test', '--role', 'ENGINEER', '--password-stdin'], 'short\n');
    expect(short.code).not.toBe(0);
    expect(short.err).toMatch(/password too short/);
    const common = run(['staff:create', '--email', 'y@staff.test', '--role', 'ENGINEER', '--password-stdin'], 'password1234\n');
    expect(common.code).not.toBe(0);
    expect(common.err).toMatch(/password too common/);
  });

  it('user:create creates the tenant owner first, then members', async () => {
    const first = run(
      ['user:create', '--tenant', 'cli-house', '--email', 'owner@cli.test', '--password-stdin'],
      'owner-password-long-enough',
    );
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Created OWNER user/);
    const second = run(
      ['user:create', '--tenant', 'cli-house', '--email', 'member@cli.test', '--password-stdin'],
      'member-password-long-enough',
    );
    expect(second.out).toMatch(/Created MEMBER user/);
    const unknown = run(
      ['user:create', '--tenant', 'no-such-tenant', '--email', 'z@cli.test', '--password-stdin'],
      'member-password-long-enough',
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/TENANT.NOT_FOUND/);
  });

  it('seed --demo loads tenants, users, accounts and transactions in bulk', async () => {
    const before = await t.owner.prisma.transaction.count();
    const r = run(['seed', '--demo', '--tenants', '3', '--transactions', '2500']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Seeded 3 tenants, \d+ users, \d+ accounts, 2500 transactions in [\d.]+ s\./);
    expect((await t.owner.prisma.transaction.count()) - before).toBe(2500);
    // every generated transaction respects its account's currency and tenant
    const mismatched = await t.owner.pool.query(
      `SELECT count(*)::int AS n FROM "Transaction" x JOIN "Account" a ON a.id = x."accountId" WHERE a.currency <> x.currency OR a."tenantId" <> x."tenantId"`,
    );
    expect(mismatched.rows[0].n).toBe(0);
    const staff = await t.owner.prisma.staffUser.findMany({ where: { email: { endsWith: '@demo.backoffice.local' } } });
    expect(staff.map((s) => s.role).sort()).toEqual(['COMPLIANCE', 'ENGINEER', 'SUPERADMIN', 'SUPPORT']);
  });

  it('stops with one clear line naming a bad variable', () => {
    const r = run(['migrate'], undefined, { PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: PORT: .*"abc"/)]);
  });
});
