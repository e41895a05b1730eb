import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tenant, User } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTrail } from '../../src/modules/audit/audit.service.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { createServices } from '../../src/services.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { createJobsTestContext } from './helpers.js';

/**
 * Erasure stays inside the erased user's tenant (issue 10): a short name ("Ana") is a substring of
 * other tenants' text ("Banana Management"); none of it may change. Undelivered outbox events
 * are redacted, not deleted; export files go only after the erasure has committed.
 */
describe('erasure: bounded to the tenant, files after commit', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;
  let home: Tenant, banana: Tenant;
  let ana: User, bob: User;

  /** Every row of tenant B that contains text erasure could match, as it is now. */
  const snapshotOfB = async () => {
    const p = t.owner.prisma;
    return {
      tenant: await p.tenant.findUniqueOrThrow({ where: { id: banana.id } }),
      users: await p.user.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
      outbox: await p.outboxEvent.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
      mail: await p.mailMessage.findMany({ where: { to: bob.email }, orderBy: { id: 'asc' } }),
      accounts: await p.account.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
      transactions: await p.transaction.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
      idempotency: await p.idempotencyKey.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
      exports: await p.exportJob.findMany({ where: { tenantId: banana.id }, orderBy: { id: 'asc' } }),
    };
  };

  /** A finished export of `tenantId` with its file (and manifest) on disk. */
  const exportWithFile = async (tenantId: string, name = 'x') => {
    const job = await t.owner.prisma.exportJob.create({
      data: {
        tenantId,
        requestedByType: 'SYSTEM',
        requestedById: 'cli:test',
        resource: 'Account',
        format: 'CSV',
        status: 'COMPLETED',
        sha256: 'f'.repeat(64),
        reason: 'fixture',
      },
    });
    const filePath = join(t.exportDir, `${job.id}-${name}.csv`);
    writeFileSync(filePath, 'id,name\n1,Ana\n');
    writeFileSync(`${filePath}.manifest.json`, '{}\n');
    await t.owner.prisma.exportJob.update({ where: { id: job.id }, data: { filePath } });
    return { id: job.id, filePath };
  };

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
    const p = t.owner.prisma;
    home = await f.tenant({ name: 'Home of Ana' });
    banana = await f.tenant({ name: 'Banana Management' });
    ana = await f.user(home.id, { name: 'Ana', email: 'ana.lopez@example.test' });
    bob = await f.user(banana.id, { name: 'Bob Banana', email: 'bob@banana-management.test' });

    // Tenant B's data that names "Ana" or merely contains "ana".
    await p.outboxEvent.create({
      data: {
        tenantId: banana.id,
        type: 'custom.notice',
        payload: { subject: 'Banana Management: quarterly review', note: 'Ana López from ana.lopez@example.test joins' },
      },
    });
    await p.outboxEvent.create({
      data: { tenantId: banana.id, type: 'custom.notice', payload: { note: 'Sent to Ana' }, status: 'DISPATCHED' },
    });
    await p.mailMessage.create({
      data: {
        dedupeKey: `bob-${banana.id}`,
        to: bob.email,
        subject: 'Banana Management: your household was suspended',
        text: 'Hello Bob, Ana from ana.lopez@example.test asked us to write.',
      },
    });
    const bananaAccount = await f.account(banana.id, { name: 'Banana savings (Ana)' });
    await f.transaction(bananaAccount, { description: 'Banana split with ana.lopez@example.test' });
    await p.idempotencyKey.create({
      data: {
        tenantId: banana.id,
        userId: bob.id,
        key: 'bob-key',
        method: 'POST',
        path: '/api/v1/accounts',
        fingerprint: 'f',
        status: 'COMPLETED',
        responseStatus: 201,
        responseText: JSON.stringify({ name: 'Banana savings (Ana)' }),
        expiresAt: new Date(Date.now() + 86_400_000),
        retainUntil: new Date(Date.now() + 2 * 86_400_000),
      },
    });
    await exportWithFile(banana.id, 'banana');

    // Tenant A (the person's own): a pending notification that names her, mail to her, a file.
    await p.outboxEvent.create({
      data: { tenantId: home.id, type: 'custom.notice', payload: { to: 'Ana', amount: 12, items: ['Dear Ana', 'ok'] } },
    });
    await p.mailMessage.create({
      data: { dedupeKey: `ana-${home.id}`, to: ana.email, subject: 'Welcome', text: 'Hello there' },
    });

    // The owner leaves; the grace period is over.
    await t.services.erasure.requestErasure(f.userCtx(ana), { reason: 'leaving' });
    await p.user.updateMany({ where: { tenantId: home.id }, data: { erasureDueAt: new Date(Date.now() - 1000) } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a failure after the file step rolls everything back: rows and files stay as they were', async () => {
    const p = t.owner.prisma;
    const file = await exportWithFile(home.id, 'rollback');
    const real = createAuditTrail({ signer: t.services.auditKeys.signer, checkpointEvery: 10 });
    const failing = {
      ...real,
      record: async (...args: Parameters<typeof real.record>) => {
        await real.record(...args);
        throw new Error('injected failure after the file step');
      },
    };
    const broken = createServices(t.runtime, failing);
    await expect(broken.erasure.eraseUser(jobContext('erasure-user'), { userId: ana.id, tenantId: home.id })).rejects.toThrow(
      /injected failure/,
    );

    expect(existsSync(file.filePath)).toBe(true);
    expect(existsSync(`${file.filePath}.manifest.json`)).toBe(true);
    expect(await p.exportJob.findUniqueOrThrow({ where: { id: file.id } })).toMatchObject({
      filePath: file.filePath,
      staleFilePath: null,
    });
    expect((await p.user.findUniqueOrThrow({ where: { id: ana.id } })).erasedAt).toBeNull();
    expect(await p.mailMessage.count({ where: { to: ana.email } })).toBe(1);
    const pending = await p.outboxEvent.findFirstOrThrow({ where: { tenantId: home.id, type: 'custom.notice' } });
    expect(pending.payload).toMatchObject({ to: 'Ana' });
  });

  it("erases within the person's tenant only: tenant B's mail, outbox events, text and files are intact", async () => {
    const p = t.owner.prisma;
    const before = await snapshotOfB();
    const bananaFile = before.exports[0]!.filePath!;
    const ownFiles = (await p.exportJob.findMany({ where: { tenantId: home.id, filePath: { not: null } } })).map(
      (e) => e.filePath!,
    );
    expect(ownFiles.length).toBeGreaterThan(0);

    const result = await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: ana.id, tenantId: home.id });
    expect(result).toMatchObject({ outcome: 'erased', mailDeleted: 1, outboxRedacted: 1, exportFilesDeleted: ownFiles.length });

    // Tenant B: not a byte changed, its file still there.
    expect(await snapshotOfB()).toEqual(before);
    expect(existsSync(bananaFile)).toBe(true);
    expect(existsSync(`${bananaFile}.manifest.json`)).toBe(true);

    // Tenant A: the undelivered event is still there, still pending, with placeholders for the person.
    const pending = await p.outboxEvent.findFirstOrThrow({ where: { tenantId: home.id, type: 'custom.notice' } });
    expect(pending.status).toBe('PENDING');
    expect(pending.payload).toEqual({ to: '[erased]', amount: 12, items: ['[erased]', 'ok'] });
    expect(await p.mailMessage.count({ where: { to: ana.email } })).toBe(0);

    // The files went after the commit; no row points at them any more, none is left to delete.
    for (const file of ownFiles) {
      expect(existsSync(file), file).toBe(false);
      expect(existsSync(`${file}.manifest.json`)).toBe(false);
    }
    expect(
      await p.exportJob.count({
        where: { tenantId: home.id, OR: [{ filePath: { not: null } }, { staleFilePath: { not: null } }] },
      }),
    ).toBe(0);
  });

  it('a file whose deletion fails does not fail the erasure; export maintenance deletes it later', async () => {
    const p = t.owner.prisma;
    const other = await f.tenant({ name: 'Other home' });
    const carla = await f.user(other.id, { name: 'Carla Stubborn', email: 'carla.stubborn@example.test' });
    // A path that cannot be removed as a file: a non-empty directory.
    const job = await exportWithFile(other.id, 'stuck');
    rmSync(job.filePath);
    mkdirSync(job.filePath);
    writeFileSync(join(job.filePath, 'inside'), 'x');

    await t.services.erasure.requestErasure(f.userCtx(carla));
    await p.user.update({ where: { id: carla.id }, data: { erasureDueAt: new Date(Date.now() - 1000) } });
    const result = await t.services.erasure.eraseUser(jobContext('erasure-user'), { userId: carla.id, tenantId: other.id });
    expect(result).toMatchObject({ outcome: 'erased', exportFilesDeleted: 1 });
    expect((await p.user.findUniqueOrThrow({ where: { id: carla.id } })).erasedAt).not.toBeNull();
    expect(await p.exportJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      filePath: null,
      staleFilePath: job.filePath,
    });

    // Still stuck: maintenance reports the failure and keeps it for the next run.
    expect(await t.services.exports.removeStaleFiles(jobContext('export-maintenance'))).toEqual({ deleted: 0, failed: 1 });
    // Unstuck (the path is a plain file again): deleted, and forgotten.
    rmSync(job.filePath, { recursive: true });
    writeFileSync(job.filePath, 'id\n');
    expect(await t.services.exports.removeStaleFiles(jobContext('export-maintenance'))).toEqual({ deleted: 1, failed: 0 });
    expect(existsSync(job.filePath)).toBe(false);
    expect((await p.exportJob.findUniqueOrThrow({ where: { id: job.id } })).staleFilePath).toBeNull();
    expect(await t.services.exports.removeStaleFiles(jobContext('export-maintenance'))).toEqual({ deleted: 0, failed: 0 });
  });
});
