import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StaffUser, Tenant, User } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { AppError } from '../../src/lib/errors.js';
import { defineAbilityFor } from '../../src/modules/access/ability.js';
import { canDownloadExport, canStartExport } from '../../src/modules/exports/export.policy.js';
import { runExport } from '../../src/modules/exports/export.runner.js';
import { keyOwnerOf } from '../../src/modules/idempotency/idempotency.service.js';
import { prismaWhereToSql, SqlParams } from '../../src/modules/access/scope-sql.js';
import { startWorkers, type Workers } from '../../src/modules/jobs/jobs.worker.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { auditEvents, bulkTransactions, createJobsTestContext, csvObjects, partFiles, sha256File, waitFor } from './helpers.js';

type Ctx = TestContext & { exportDir: string };

async function streamToString(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const expectAppError = async (promise: Promise<unknown>, kind: string, code?: string) => {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).kind, (err as AppError).code).toBe(kind);
  if (code) expect((err as AppError).code).toBe(code);
};

describe('exports: streamed, scoped, audited, with a manifest', () => {
  let t: Ctx;
  let f: ReturnType<typeof factories>;
  let a: Tenant, b: Tenant, c: Tenant;
  let engineer: StaffUser, support: StaffUser, compliance: StaffUser, outsider: StaffUser;
  let ctxEngineer: ServiceContext, ctxSupport: ServiceContext, ctxCompliance: ServiceContext, ctxOutsider: ServiceContext;
  let owner: User, member: User;
  const rowsPerTenant = { a: 1200, b: 700, c: 900 };
  const tricky = ['commas, "quotes" and \\backslashes\\', 'two\nlines', 'tab\tand ünïcödé €', ''];

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    [a, b, c] = [await f.tenant(), await f.tenant(), await f.tenant()];
    for (const [tenant, n] of [
      [a, rowsPerTenant.a],
      [b, rowsPerTenant.b],
      [c, rowsPerTenant.c],
    ] as const) {
      const account = await f.account(tenant.id);
      await bulkTransactions(t.db.ownerUrl, account, n);
    }
    const accountA = await t.owner.prisma.account.findFirstOrThrow({ where: { tenantId: a.id } });
    for (const d of tricky) await f.transaction(accountA, { description: d });
    owner = await f.user(a.id, { name: 'Ada Owner' });
    member = await f.user(a.id, { name: 'Max Member' });
    engineer = await f.staff('ENGINEER');
    support = await f.staff('SUPPORT', { grantTenantIds: [a.id, b.id] });
    compliance = await f.staff('COMPLIANCE');
    outsider = await f.staff('SUPPORT');
    [ctxEngineer, ctxSupport, ctxCompliance, ctxOutsider] = (await Promise.all(
      [engineer, support, compliance, outsider].map((s) => f.staffCtx(s)),
    )) as [ServiceContext, ServiceContext, ServiceContext, ServiceContext];
  });
  afterAll(async () => {
    await t.close();
  });

  const deps = () => ({ ...t.services.exportRunner, exportDir: t.exportDir });
  const tenantRows = (tenantId: string) => t.owner.prisma.transaction.count({ where: { tenantId } });

  it('runs in the pg-boss worker, streams every row once (CSV) and publishes a correct manifest, audited', async () => {
    const workers: Workers = await startWorkers(t.runtime, t.services, {
      pollingIntervalSeconds: 0.5,
      schedule: false,
      outboxIntervalMs: 60_000,
    });
    try {
      const job = await t.services.exports.start(ctxEngineer, {
        resource: 'Transaction',
        format: 'csv',
        reason: 'analysis of ledger volumes',
      });
      expect(job.status).toBe('QUEUED');
      const done = await waitFor(async () => {
        const row = await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } });
        return row.status === 'COMPLETED' || row.status === 'FAILED' ? row : null;
      });
      expect(done.status).toBe('COMPLETED');
      const total = await t.owner.prisma.transaction.count();
      expect(Number(done.rowsDone)).toBe(total);
      expect(Number(done.rowsTotal)).toBe(total);

      const rows = csvObjects(readFileSync(done.filePath!, 'utf8'));
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((r) => r.id)).size).toBe(total);
      // Quoted newlines, quotes and backslashes survive the round trip.
      for (const d of tricky.filter(Boolean)) expect(rows.some((r) => r.description === d)).toBe(true);
      // Amounts as strings with the currency's decimals.
      expect(rows.every((r) => /^\d+\.\d{2}$/.test(r.amount!))).toBe(true);

      const manifest = JSON.parse(readFileSync(`${done.filePath}.manifest.json`, 'utf8'));
      expect(manifest.file.sha256).toBe(sha256File(done.filePath!));
      expect(manifest.file.sha256).toBe(done.sha256);
      expect(manifest.rows.total).toBe(total);
      expect(manifest.requestedBy).toMatchObject({ type: 'STAFF', id: engineer.id, role: 'ENGINEER' });
      expect(manifest.scope.tenantIds).toBe('ALL');
      expect(manifest.reason).toBe('analysis of ledger volumes');
      expect(partFiles(t.exportDir)).toEqual([]);

      expect(
        (await auditEvents(t.owner.prisma, 'export.start')).some((e) => e.recordId === job.id && e.actorId === engineer.id),
      ).toBe(true);
      expect(
        (await auditEvents(t.owner.prisma, 'export.complete')).some((e) => e.recordId === job.id && e.actorType === 'SYSTEM'),
      ).toBe(true);
    } finally {
      await workers.stop();
    }
  });

  it("a support user's export contains only the granted tenants' rows (grants re-read when the job runs)", async () => {
    const job = await t.services.exports.start(ctxSupport, {
      resource: 'Transaction',
      format: 'ndjson',
      reason: 'ticket 4711 reconciliation',
    });
    const result = await runExport(deps(), job.id);
    expect(result.outcome).toBe('completed');
    if (result.outcome !== 'completed') return;
    const lines = readFileSync(result.filePath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; tenantId: string; description: string | null });
    const expected = (await tenantRows(a.id)) + (await tenantRows(b.id));
    expect(lines).toHaveLength(expected);
    expect(new Set(lines.map((l) => l.tenantId))).toEqual(new Set([a.id, b.id]));
    expect(lines.some((l) => l.tenantId === c.id)).toBe(false);
    for (const d of tricky) expect(lines.some((l) => l.description === d)).toBe(true);
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8'));
    expect([...manifest.scope.tenantIds].sort()).toEqual([a.id, b.id].sort());

    // A grant revoked between the request and the run is honoured when the job runs.
    const second = await t.services.exports.start(ctxSupport, { resource: 'Transaction', format: 'csv', reason: 'ticket 4712' });
    await t.owner.prisma.tenantAccessGrant.updateMany({
      where: { staffUserId: support.id, tenantId: b.id },
      data: { revokedAt: new Date() },
    });
    try {
      const again = await runExport(deps(), second.id);
      expect(again.outcome).toBe('completed');
      if (again.outcome !== 'completed') return;
      const rows = csvObjects(readFileSync(again.filePath, 'utf8'));
      expect(rows).toHaveLength(await tenantRows(a.id));
      expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set([a.id]));

      // An export of one tenant whose grant was revoked is refused at run time, and audited.
      const third = await t.services.exports.start(await f.staffCtx(support), {
        tenantId: a.id,
        resource: 'Transaction',
        format: 'csv',
        reason: 'ticket 4713',
      });
      await t.owner.prisma.tenantAccessGrant.updateMany({
        where: { staffUserId: support.id, tenantId: a.id },
        data: { revokedAt: new Date() },
      });
      const refused = await runExport(deps(), third.id);
      expect(refused).toEqual({ outcome: 'refused', code: 'EXPORT.TENANT_OUT_OF_SCOPE' });
      expect((await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: third.id } })).status).toBe('FAILED');
      expect((await auditEvents(t.owner.prisma, 'export.fail')).some((e) => e.recordId === third.id)).toBe(true);
    } finally {
      await t.owner.prisma.tenantAccessGrant.updateMany({ where: { staffUserId: support.id }, data: { revokedAt: null } });
    }
  });

  it('refuses a support user an export of a tenant without a grant: 404, audited DENIED', async () => {
    await expectAppError(
      t.services.exports.start(ctxSupport, { tenantId: c.id, resource: 'Transaction', format: 'csv', reason: 'curious' }),
      'NOT_FOUND',
    );
    const denied = await t.owner.prisma.auditEvent.findFirst({
      where: { action: 'export.start', outcome: 'DENIED', actorId: support.id, recordId: c.id },
    });
    expect(denied).not.toBeNull();
    expect(await t.owner.prisma.exportJob.count({ where: { requestedById: support.id, tenantId: c.id } })).toBe(0);
  });

  it('lets compliance export the audit trail only', async () => {
    await expectAppError(
      t.services.exports.start(ctxCompliance, { resource: 'Transaction', format: 'csv', reason: 'audit sample' }),
      'FORBIDDEN',
    );
    expect(
      await t.owner.prisma.auditEvent.count({ where: { action: 'export.start', outcome: 'DENIED', actorId: compliance.id } }),
    ).toBe(1);
    const job = await t.services.exports.start(ctxCompliance, {
      resource: 'AuditEvent',
      format: 'ndjson',
      reason: 'regulator request 12',
    });
    const result = await runExport(deps(), job.id);
    expect(result.outcome).toBe('completed');
    if (result.outcome !== 'completed') return;
    const events = readFileSync(result.filePath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { hash: string; action: string });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    // An engineer may not export the audit trail.
    await expectAppError(
      t.services.exports.start(ctxEngineer, { resource: 'AuditEvent', format: 'csv', reason: 'x-check' }),
      'FORBIDDEN',
    );
  });

  it('download: the requester may; staff without the right are refused and audited (403 in sight, 404 out of sight)', async () => {
    const job = await t.services.exports.start(ctxEngineer, {
      tenantId: a.id,
      resource: 'Account',
      format: 'csv',
      reason: 'account review',
    });
    await runExport(deps(), job.id);

    const ok = await t.services.exports.download(ctxEngineer, job.id);
    const body = await streamToString(ok.stream);
    expect(body.split('\n')[0]).toContain('balance');
    expect(ok.sha256).toBe(sha256File((await t.owner.prisma.exportJob.findUniqueOrThrow({ where: { id: job.id } })).filePath!));
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { action: 'export.download', outcome: 'SUCCESS', recordId: job.id, actorId: engineer.id },
      }),
    ).toBe(1);

    // Compliance sees the job (reads everything) but may only download audit-trail exports.
    await expectAppError(t.services.exports.download(ctxCompliance, job.id), 'FORBIDDEN', 'EXPORT.DOWNLOAD_FORBIDDEN');
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { action: 'export.download', outcome: 'DENIED', recordId: job.id, actorId: compliance.id },
      }),
    ).toBe(1);
    // A support user without rights does not even see it.
    await expectAppError(t.services.exports.download(ctxOutsider, job.id), 'NOT_FOUND');
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { action: 'export.download', outcome: 'DENIED', recordId: job.id, actorId: outsider.id },
      }),
    ).toBe(1);
    // Nor does a tenant user.
    await expectAppError(t.services.exports.download(f.userCtx(owner), job.id), 'NOT_FOUND');
    await expectAppError(t.services.exports.get(ctxOutsider, job.id), 'NOT_FOUND');

    // Support downloads their own export while their grants still cover it, not after.
    const own = await t.services.exports.start(ctxSupport, {
      tenantId: b.id,
      resource: 'Category',
      format: 'csv',
      reason: 'ticket 88',
    });
    await runExport(deps(), own.id);
    await t.services.exports.download(await f.staffCtx(support), own.id).then((d) => streamToString(d.stream));
    await t.owner.prisma.tenantAccessGrant.updateMany({
      where: { staffUserId: support.id, tenantId: b.id },
      data: { revokedAt: new Date() },
    });
    try {
      await expectAppError(t.services.exports.download(await f.staffCtx(support), own.id), 'FORBIDDEN');
    } finally {
      await t.owner.prisma.tenantAccessGrant.updateMany({ where: { staffUserId: support.id }, data: { revokedAt: null } });
    }
  });

  it("a user's own export is their tenant's bundle as they may see it (POST /api/v1/me/exports)", async () => {
    const ctx = f.userCtx(owner);
    const job = await t.services.exports.requestUserExport(ctx);
    expect(await t.services.exports.requestUserExport(ctx)).toMatchObject({ id: job.id }); // one at a time
    const result = await runExport(deps(), job.id);
    expect(result.outcome).toBe('completed');
    if (result.outcome !== 'completed') return;
    const bundle = JSON.parse(readFileSync(result.filePath, 'utf8'));
    expect(bundle.tenant.id).toBe(a.id);
    expect(bundle.users.map((u: { id: string }) => u.id)).toEqual([owner.id]); // not other members
    expect(JSON.stringify(bundle)).not.toContain('passwordHash');
    expect(JSON.stringify(bundle)).not.toContain(member.email);
    expect(bundle.transactions).toHaveLength(await tenantRows(a.id));
    expect(typeof bundle.accounts[0].balance).toBe('string');
    expect(bundle.accounts[0].balance).toMatch(/^-?\d+\.\d{2}$/);
    for (const key of ['categories', 'budgets', 'recurringRules', 'assets', 'liabilities', 'loans'])
      expect(Array.isArray(bundle[key])).toBe(true);
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8'));
    expect(manifest.rows.bySection.transactions).toBe(await tenantRows(a.id));
    expect(manifest.file.sha256).toBe(sha256File(result.filePath));

    expect((await t.services.exports.getForUser(ctx, job.id)).status).toBe('COMPLETED');
    await expectAppError(t.services.exports.getForUser(f.userCtx(member), job.id), 'NOT_FOUND');
    await expectAppError(t.services.exports.download(f.userCtx(member), job.id), 'NOT_FOUND');
    const download = await t.services.exports.download(ctx, job.id);
    expect(JSON.parse(await streamToString(download.stream)).tenant.id).toBe(a.id);
  });

  it('applies the admin list filters (date range, direction, account) and refuses unknown ones', async () => {
    const account = await t.owner.prisma.account.findFirstOrThrow({ where: { tenantId: b.id } });
    const from = new Date(Date.now() - 300 * 60_000).toISOString();
    const job = await t.services.exports.start(ctxEngineer, {
      resource: 'Transaction',
      format: 'csv',
      reason: 'debits of one account',
      filters: { tenantId: b.id, accountId: account.id, direction: 'DEBIT', from },
    });
    const result = await runExport(deps(), job.id);
    if (result.outcome !== 'completed') throw new Error(result.outcome);
    const rows = csvObjects(readFileSync(result.filePath, 'utf8'));
    const expected = await t.owner.prisma.transaction.count({
      where: { tenantId: b.id, accountId: account.id, direction: 'DEBIT', occurredAt: { gte: new Date(from) } },
    });
    expect(expected).toBeGreaterThan(0);
    expect(rows).toHaveLength(expected);
    expect(rows.every((r) => r.direction === 'DEBIT' && r.accountId === account.id)).toBe(true);

    await expectAppError(
      t.services.exports.start(ctxEngineer, {
        resource: 'Category',
        format: 'csv',
        reason: 'xx x',
        filters: { direction: 'DEBIT' },
      }),
      'VALIDATION_ERROR',
    );
    await expectAppError(
      t.services.exports.start(ctxEngineer, { resource: 'TenantBundle', format: 'csv', reason: 'xx x', tenantId: a.id }),
      'VALIDATION_ERROR',
    );
    await expect(t.services.exports.start(ctxEngineer, { resource: 'Transaction', format: 'csv', reason: '' })).rejects.toThrow();
  });

  it('is idempotent: a finished export is not run again', async () => {
    const job = await t.services.exports.start(ctxEngineer, {
      tenantId: c.id,
      resource: 'Transaction',
      format: 'json',
      reason: 'json array check',
    });
    const first = await runExport(deps(), job.id);
    if (first.outcome !== 'completed') throw new Error(first.outcome);
    expect(JSON.parse(readFileSync(first.filePath, 'utf8'))).toHaveLength(rowsPerTenant.c);
    expect(await runExport(deps(), job.id)).toEqual({ outcome: 'already-finished', status: 'COMPLETED' });
    expect(existsSync(join(t.exportDir, `${job.id}.json`))).toBe(true);
  });

  it("support's export rights come from the ability alone: their own exports, within granted tenants", async () => {
    const actor = { type: 'STAFF' as const, id: support.id, role: 'SUPPORT' as const, grantedTenantIds: [a.id, b.id] };
    const ctx = { ...ctxSupport, actor, ability: defineAbilityFor(actor) };
    expect(canStartExport(ctx, { resource: 'Transaction', tenantId: a.id })).toBe(true);
    expect(canStartExport(ctx, { resource: 'Transaction', tenantId: null })).toBe(true); // rows of granted tenants
    expect(canStartExport(ctx, { resource: 'TenantBundle', tenantId: b.id })).toBe(true);
    expect(canStartExport(ctx, { resource: 'Transaction', tenantId: c.id })).toBe(false);
    expect(canStartExport(ctx, { resource: 'AuditEvent', tenantId: null })).toBe(false);
    // Without the grant the same rule answers no: the decision is the ability's, not the role's.
    const ungranted = { ...actor, grantedTenantIds: [] };
    const noGrant = { ...ctx, actor: ungranted, ability: defineAbilityFor(ungranted) };
    expect(canStartExport(noGrant, { resource: 'Transaction', tenantId: a.id })).toBe(false);

    // Another staff member's export of a granted tenant is neither visible nor downloadable.
    const theirs = await t.services.exports.start(ctxEngineer, {
      tenantId: a.id,
      resource: 'Category',
      format: 'csv',
      reason: 'x y z',
    });
    expect(canDownloadExport(ctx, theirs)).toBe(false);
    await expectAppError(t.services.exports.get(ctxSupport, theirs.id), 'NOT_FOUND');
    const own = await t.services.exports.start(ctxSupport, {
      tenantId: a.id,
      resource: 'Category',
      format: 'csv',
      reason: 'x y z',
    });
    expect((await t.services.exports.get(ctxSupport, own.id)).id).toBe(own.id);
    const listed = (await t.services.exports.listRecent(ctxSupport, 100)).map((j) => j.id);
    expect(listed).toContain(own.id);
    expect(listed).not.toContain(theirs.id);
  });

  it("POST /me/exports claims its idempotency key in the export's own transaction", async () => {
    const ctx = f.userCtx(member);
    const owner$ = keyOwnerOf(ctx);
    const exportsOf = () => t.owner.prisma.exportJob.count({ where: { requestedById: member.id } });
    const keysOf = () => t.owner.prisma.idempotencyKey.count({ where: { userId: member.id } });
    const request = (key: string) => ({ key, method: 'POST', path: '/api/v1/me/exports', body: {} });
    // The response is stored before COMMIT: when that fails, the export rolls back with the key.
    await expect(
      t.services.idempotency.execute(
        ctx,
        owner$,
        request('k-fails'),
        (write) => t.services.exports.requestUserExport(ctx, write),
        () => {
          throw new Error('response could not be stored');
        },
      ),
    ).rejects.toThrow(/could not be stored/);
    expect(await exportsOf()).toBe(0);
    expect(await keysOf()).toBe(0);

    const respond = (job: { id: string }) => ({ status: 201, body: { id: job.id } });
    const first = await t.services.idempotency.execute(
      ctx,
      owner$,
      request('k-1'),
      (w) => t.services.exports.requestUserExport(ctx, w),
      respond,
    );
    expect(await exportsOf()).toBe(1);
    const key = await t.owner.prisma.idempotencyKey.findFirstOrThrow({ where: { userId: member.id, key: 'k-1' } });
    expect(key).toMatchObject({ status: 'COMPLETED', responseText: first.text });
    // Finished meanwhile: the same key replays the same bytes; it does not start another export.
    await t.owner.prisma.exportJob.updateMany({ where: { requestedById: member.id }, data: { status: 'COMPLETED' } });
    const replay = await t.services.idempotency.execute(
      ctx,
      owner$,
      request('k-1'),
      (w) => t.services.exports.requestUserExport(ctx, w),
      respond,
    );
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await exportsOf()).toBe(1);
  });

  it('translates CASL conditions to SQL with bound settings, and fails closed on anything else', () => {
    const params = new SqlParams();
    const sql = prismaWhereToSql({ OR: [{ tenantId: { in: [a.id, b.id] } }] }, 't', { tenantId: 'uuid' }, params);
    expect(sql).toBe(`t."tenantId" = ANY(current_setting('bo_export.p1')::uuid[])`);
    expect(params.values).toEqual([{ name: 'bo_export.p1', value: `{"${a.id}","${b.id}"}` }]);
    expect(prismaWhereToSql({ OR: [] }, 't', {}, new SqlParams())).toBe('FALSE');
    expect(prismaWhereToSql({}, 't', {}, new SqlParams())).toBe('TRUE');
    expect(() => prismaWhereToSql({ tenantId: { contains: 'x' } }, 't', { tenantId: 'uuid' }, new SqlParams())).toThrow(AppError);
    expect(() => prismaWhereToSql({ secret: 'x' }, 't', { tenantId: 'uuid' }, new SqlParams())).toThrow(AppError);
    const p2 = new SqlParams();
    const fields = { tenantId: 'uuid', actorId: 'text' } as const;
    expect(prismaWhereToSql({ NOT: { tenantId: a.id } }, 't', fields, p2)).toBe(
      `NOT (t."tenantId" = current_setting('bo_export.p1')::uuid)`,
    );
    expect(prismaWhereToSql({ tenantId: { notIn: [] } }, 't', fields, p2)).toBe('TRUE');
    expect(prismaWhereToSql({ tenantId: { in: [] } }, 't', fields, p2)).toBe('FALSE');
    expect(prismaWhereToSql({ actorId: null }, 't', fields, p2)).toBe(`t."actorId" IS NULL`);
    expect(prismaWhereToSql({ AND: [{ actorId: { not: null } }, { tenantId: { equals: b.id } }] }, 't', fields, p2)).toBe(
      `(NOT (t."actorId" IS NULL)) AND (t."tenantId" = current_setting('bo_export.p2')::uuid)`,
    );
    expect(prismaWhereToSql({ OR: [{}, { tenantId: a.id }] }, 't', fields, p2)).toBe('TRUE');
    expect(prismaWhereToSql({ NOT: [] }, 't', fields, p2)).toBe('TRUE');
    // A value never reaches the SQL text.
    const evil = new SqlParams();
    const text = prismaWhereToSql({ actorId: 'x\'; DROP TABLE "User"; --' }, 't', { actorId: 'text' }, evil);
    expect(text).not.toContain('DROP');
  });
});
