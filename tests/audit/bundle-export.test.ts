import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/lib/context.js';
import { verifyBundleFile } from '../../src/modules/audit/audit.bundle.js';
import { runExport } from '../../src/modules/exports/export.runner.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents, checkpointJob } from './helpers.js';

const sink = () => {
  const chunks: Buffer[] = [];
  return {
    out: new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
};

describe('the compliance console exports the same verifiable bundle (service and admin export job)', () => {
  let t: TestContext;
  let dir: string;
  let tenantA: string;
  let compliance: ServiceContext;
  let support: ServiceContext;

  beforeAll(async () => {
    t = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'audit-bundle-export-'));
    const f = factories(t.owner.prisma, t.services);
    tenantA = (await f.tenant()).id;
    await appendEvents(t, tenantA, 12);
    await appendEvents(t, (await f.tenant()).id, 3);
    compliance = await f.staffCtx(await f.staff('COMPLIANCE'));
    support = await f.staffCtx(await f.staff('SUPPORT', { grantTenantIds: [tenantA] }));
    await checkpointJob(t);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('a bundle holds whole chains: filters other than the tenant are refused (400), after the right to export', async () => {
    await expect(
      t.services.auditConsole.exportTrail(compliance, { action: 'tenant.update' }, 'bundle', sink().out),
    ).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      details: [expect.objectContaining({ field: 'action', code: 'not_allowed' })],
    });
    await expect(t.services.auditConsole.exportTrail(support, {}, 'bundle', sink().out)).rejects.toMatchObject({
      code: 'AUTH.FORBIDDEN',
    });
  });

  it("a compliance officer's bundle of one tenant holds that chain up to its signed head, and is recorded", async () => {
    const s = sink();
    const manifest = await t.services.auditConsole.exportTrail(compliance, { tenantId: tenantA }, 'bundle', s.out);
    // 14 events: tenant.create, 12 appended, and the support grant on this tenant.
    expect(manifest).toMatchObject({
      format: 'bundle',
      rows: 14,
      chains: [{ chainKey: `tenant:${tenantA}`, size: '14', headSeq: '14' }],
    });
    const lines = s
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; chainKey?: string });
    expect(lines[0]).toMatchObject({ type: 'bundle', format: 'backoffice-audit-bundle', chains: 1 });
    expect(lines.filter((l) => l.type === 'event').every((l) => l.chainKey === `tenant:${tenantA}`)).toBe(true);
    const recorded = await t.owner.prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(manifest.auditEventId) } });
    expect(recorded).toMatchObject({ action: 'audit.export', actorId: compliance.actor.id });
  });

  it('the admin export job (ExportJob, format BUNDLE) writes a bundle that verifies offline', async () => {
    const job = await t.services.exports.start(compliance, {
      resource: 'AuditEvent',
      format: 'BUNDLE',
      reason: 'Annual audit by the external auditor',
    });
    const result = await runExport({ ...t.services.exportRunner, exportDir: dir }, job.id);
    expect(result).toMatchObject({ outcome: 'completed' });
    if (result.outcome !== 'completed') return;
    expect(result.filePath).toMatch(/\.bundle\.ndjson$/);
    const verified = await verifyBundleFile(result.filePath, { trustedKeys: t.services.auditKeys.keySet });
    // Every chain the compliance officer may read (both tenants and the global chain), up to its signed head.
    expect(verified).toMatchObject({ status: 'intact', chains: 3, breaks: [] });
    expect(verified.events).toBe(result.rows);
  });

  it('BUNDLE is only for the audit trail, and takes no filter but the tenant', async () => {
    await expect(
      t.services.exports.start(compliance, { resource: 'Tenant', format: 'BUNDLE', reason: 'not a trail' }),
    ).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
    await expect(
      t.services.exports.start(compliance, {
        resource: 'AuditEvent',
        format: 'BUNDLE',
        filters: { action: 'tenant.update' },
        reason: 'only some events',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION.FAILED', details: [expect.objectContaining({ field: 'filters.action' })] });
  });
});
