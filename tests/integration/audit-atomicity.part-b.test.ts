import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tenant, User } from '@prisma/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { createAuditTrail } from '../../src/modules/audit/audit.service.js';
import { markFailed, runExport } from '../../src/modules/exports/export.runner.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { createServices, type Services } from '../../src/services.js';
import { type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { createJobsTestContext } from '../jobs/helpers.js';

/**
 * Audit in the same transaction (issue 10), part B: exports and erasure. Each state-changing
 * service function runs with an audit trail whose `record` writes its event and then throws; the
 * function must fail and leave the database (and the export directory) exactly as it was. If a
 * function's audit event moved out of its transaction, its change would survive and its case fail.
 *
 * Not audited by design, hence not here: `exports.removeStaleFiles` and `releaseForRetry`
 * (housekeeping: they complete or undo work whose audit event is written elsewhere), the
 * read-only `exports.get/getForUser/listRecent` and `erasure.dueUsers`.
 */
describe('audit atomicity, part B: exports and erasure roll back when their audit event fails', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;
  let broken: Services;
  let owner: User, member: User;
  let tenant: Tenant;
  let engineer: ServiceContext, support: ServiceContext, superadmin: ServiceContext;
  let owner$: pg.Client;

  /** Every row of every application table, and the files of the export directory. */
  async function state(): Promise<Record<string, unknown>> {
    const { rows: tables } = await owner$.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
    );
    const out: Record<string, unknown> = { files: readdirSync(t.exportDir).sort() };
    for (const { name } of tables) {
      const { rows } = await owner$.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM "${name}" x ORDER BY 1`);
      out[name] = rows.map((r) => r.r);
    }
    return out;
  }

  /** Runs `act` with the failing trail and asserts that it failed and that nothing changed. */
  async function expectNothingChanged(act: () => Promise<unknown>, ignore: (s: Record<string, unknown>) => void = () => {}) {
    const before = await state();
    await expect(act()).rejects.toThrow(/audit sink unavailable/);
    const after = await state();
    ignore(before);
    ignore(after);
    expect(after).toEqual(before);
  }

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    const real = createAuditTrail({ signer: t.services.auditKeys.signer, checkpointEvery: 10 });
    broken = createServices(t.runtime, {
      ...real,
      record: async (...args: Parameters<typeof real.record>) => {
        await real.record(...args); // the event is written, then the caller's transaction must roll back
        throw new Error('audit sink unavailable');
      },
    });
    tenant = await f.tenant({ name: 'Atomic household' });
    owner = await f.user(tenant.id, { name: 'Atom Owner' });
    member = await f.user(tenant.id, { name: 'Atom Member' });
    await f.transaction(await f.account(tenant.id), { description: 'Atom Owner pays rent' });
    engineer = await f.staffCtx(await f.staff('ENGINEER'));
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [tenant.id] }));
    superadmin = await f.staffCtx(await f.staff('SUPERADMIN'));
    owner$ = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner$.connect();
  });
  afterAll(async () => {
    await owner$?.end();
    await t?.close();
  });

  const startInput = { tenantId: '', resource: 'Transaction' as const, format: 'csv' as const, reason: 'atomicity check' };

  it('exports.start', async () => {
    await expectNothingChanged(() => broken.exports.start(engineer, { ...startInput, tenantId: tenant.id }));
    await expectNothingChanged(() => broken.exports.start(support, { ...startInput, tenantId: tenant.id }, { inline: true }));
  });

  it('exports.requestUserExport', async () => {
    await expectNothingChanged(() => broken.exports.requestUserExport(f.userCtx(owner)));
  });

  it('exports.download', async () => {
    const job = await t.services.exports.start(engineer, { ...startInput, tenantId: tenant.id });
    const done = await runExport(t.services.exportRunner, job.id);
    expect(done.outcome).toBe('completed');
    await expectNothingChanged(() => broken.exports.download(engineer, job.id));
  });

  it('runExport (publishing: export.complete)', async () => {
    const job = await t.services.exports.start(engineer, { ...startInput, tenantId: tenant.id });
    // Claiming the job (attempt, RUNNING) commits on its own before the run, by design: only the
    // claimed row's run counters may differ. Publishing — file, COMPLETED, event — rolls back.
    const claimFields = (s: Record<string, unknown>) => {
      s.ExportJob = (s.ExportJob as string[]).map((row) => {
        const r = JSON.parse(row) as Record<string, unknown>;
        if (r.id !== job.id) return row;
        for (const k of ['status', 'attempts', 'startedAt', 'rowsDone', 'rowsTotal']) delete r[k];
        return JSON.stringify(r);
      });
    };
    await expectNothingChanged(() => runExport(broken.exportRunner, job.id), claimFields);
    const row = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: 'RUNNING', filePath: null, sha256: null });
    // The next attempt publishes normally.
    expect((await runExport(t.services.exportRunner, job.id)).outcome).toBe('completed');
  });

  it('markFailed (export.fail)', async () => {
    const job = await t.services.exports.start(engineer, { ...startInput, tenantId: tenant.id });
    await expectNothingChanged(() => markFailed(broken.exportRunner, job.id, null, 'EXPORT.GAVE_UP'));
    expect((await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('QUEUED');
  });

  it('erasure.requestErasure and requestErasureBySupport', async () => {
    await expectNothingChanged(() => broken.erasure.requestErasure(f.userCtx(owner), { reason: 'leaving' }));
    await expectNothingChanged(() =>
      broken.erasure.requestErasureBySupport(support, { userId: member.id, reason: 'asked by phone' }),
    );
  });

  it('erasure.cancel', async () => {
    await t.services.erasure.requestErasure(f.userCtx(owner));
    await expectNothingChanged(() => broken.erasure.cancel(superadmin, { userId: owner.id, reason: 'changed their mind' }));
    expect((await t.owner.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).status).toBe('CLOSED');
  });

  it('erasure.eraseUser (files stay too)', async () => {
    // The owner's erasure is due; the tenant has an export with its file on disk.
    const job = await t.owner.prisma.exportJob.create({
      data: {
        tenantId: tenant.id,
        requestedByType: 'SYSTEM',
        requestedById: 'cli:test',
        resource: 'Account',
        format: 'CSV',
        status: 'COMPLETED',
        filePath: join(t.exportDir, 'atomic.csv'),
      },
    });
    writeFileSync(job.filePath!, 'id\n');
    await t.owner.prisma.user.updateMany({
      where: { tenantId: tenant.id },
      data: { erasureDueAt: new Date(Date.now() - 1000) },
    });
    await expectNothingChanged(() =>
      broken.erasure.eraseUser(jobContext('erasure-user'), { userId: owner.id, tenantId: tenant.id }),
    );
    // With a working trail it erases, once.
    expect(
      await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: owner.id, tenantId: tenant.id }),
    ).toMatchObject({ outcome: 'erased' });
  });
});
