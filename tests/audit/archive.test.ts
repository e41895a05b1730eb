import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteSession } from '../../src/db/session.js';
import { ALL_TENANTS } from '../../src/modules/access/actor.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import { ArchiveRefused } from '../../src/modules/audit/audit.archive.js';
import { verifyBundleFile } from '../../src/modules/audit/audit.bundle.js';
import { SEED_ACTOR_ID } from '../../src/modules/audit/audit.service.js';
import { cliContext } from '../../src/cli/system-context.js';
import { jobContext } from '../../src/modules/jobs/jobs.context.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { verify } from './helpers.js';

const monthStart = (at: Date, months = 0) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));

/**
 * Issue 17: a retention path for old audit months that keeps the chains verifiable. audit:archive
 * writes the events of the months before a cut-off to a bundle (each chain's stretch ends at a
 * newly signed head), records the cut and drops the partitions; verification then starts each
 * chain at its cut, and the file verifies on its own.
 */
describe('archiving old audit months (audit:archive)', () => {
  let t: TestContext;
  let owner: pg.Client;
  let dir: string;
  const firstMonth = monthStart(new Date(), -24); // the migration's first month partition
  const secondMonth = monthStart(new Date(), -23);
  const seed = buildSystemContext(SEED_ACTOR_ID, ALL_TENANTS, { correlationId: 'seed-archive' });

  const history = (tenantId: string, at: Date) =>
    t.owner.prisma.$transaction((tx) =>
      t.services.audit.recordHistory(
        new WriteSession(seed, tx),
        { tenantId, action: 'tenant.update', resource: 'Tenant', recordId: tenantId },
        at,
      ),
    );
  const newTenant = (slug: string) => t.owner.prisma.tenant.create({ data: { slug: `${slug}-${Date.now()}`, name: slug } });
  const oldEvents = async () =>
    (await owner.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "occurredAt" < $1`, [secondMonth])).rows[0].n;
  const archive = (before: Date) => t.services.auditArchive.run(cliContext('audit:archive'), { before, outDir: dir });
  const superuser = async (sql: string, params: unknown[] = []) => {
    await owner.query('BEGIN');
    await owner.query('SET LOCAL session_replication_role = replica'); // the attacker: triggers off
    await owner.query(sql, params);
    await owner.query('COMMIT');
  };

  beforeAll(async () => {
    t = await createTestContext({ AUDIT_KEEP_MONTHS: '1' });
    owner = new pg.Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    dir = mkdtempSync(join(tmpdir(), 'audit-archive-'));
  });
  afterAll(async () => {
    await owner?.end();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a cut-off inside the months kept, or that is not a month partition (nothing changes)', async () => {
    await expect(archive(monthStart(new Date()))).rejects.toThrow(/AUDIT_KEEP_MONTHS/);
    await expect(archive(new Date(Date.UTC(2019, 0, 15)))).rejects.toThrow(ArchiveRefused);
    await expect(archive(new Date(Date.UTC(2019, 0, 1)))).rejects.toThrow(/no AuditEvent month partition/);
  });

  it('refuses a tampered old event, and old events that are not the start of their chain; nothing is removed', async () => {
    const tampered = await newTenant('tampered');
    const e1 = await history(tampered.id, new Date(Date.UTC(2019, 1, 1, 9)));
    await superuser(`UPDATE "AuditEvent" SET "action" = 'tenant.create' WHERE "id" = $1`, [String(e1.id)]);
    await expect(archive(secondMonth)).rejects.toThrow(/seq 1 does not verify/);
    expect(await oldEvents()).toBe(1);
    expect((await owner.query(`SELECT count(*)::int AS n FROM "AuditArchive"`)).rows[0].n).toBe(0);
    // Its first event, moved to now by someone who can: the old events are no longer a prefix.
    await superuser(`UPDATE "AuditEvent" SET "action" = 'tenant.update' WHERE "id" = $1`, [String(e1.id)]);
    await history(tampered.id, new Date(Date.UTC(2019, 1, 2, 9)));
    await superuser(`UPDATE "AuditEvent" SET "occurredAt" = now() WHERE "id" = $1`, [String(e1.id)]);
    await expect(archive(secondMonth)).rejects.toThrow(/are not the stretch seq 1\.\.2/);
    // Put back as it was (the chain verifies again), for the tests below.
    await superuser(`UPDATE "AuditEvent" SET "occurredAt" = '2019-02-01T09:00:00Z' WHERE "id" = $1`, [String(e1.id)]);
    expect((await verify(t, tampered.id)).status).toBe('intact');
    expect(await t.services.partitions.layout(jobContext('test'))).toContainEqual(
      expect.objectContaining({ name: 'AuditEvent_before' }),
    );
  });

  it('never writes over an existing file of that name (an earlier archive is the only copy)', async () => {
    const tenant = await newTenant('clash');
    await history(tenant.id, new Date(Date.UTC(2019, 1, 5, 9)));
    const clash = join(dir, `audit-archive-before-${secondMonth.toISOString().slice(0, 7)}.ndjson`);
    writeFileSync(clash, 'an earlier archive\n');
    await expect(archive(secondMonth)).rejects.toThrow(/already exists/);
    expect(readFileSync(clash, 'utf8')).toBe('an earlier archive\n');
    expect(await oldEvents()).toBe(3);
    rmSync(clash);
  });

  it('archives the old months to a file that verifies on its own; the chains verify from their cut', async () => {
    const tenant = await newTenant('archived');
    await history(tenant.id, new Date(Date.UTC(2019, 2, 10, 9)));
    await history(tenant.id, new Date(Date.UTC(2019, 3, 11, 9)));
    await history(tenant.id, new Date(firstMonth.getTime() + 86_400_000));
    await history(tenant.id, new Date(secondMonth.getTime() + 86_400_000)); // the second archive's
    await history(tenant.id, new Date(Date.now() - 60_000)); // kept
    const before = await oldEvents();
    expect(before).toBe(6); // 3 of this chain, 3 of the previous tests'

    const result = await archive(secondMonth);
    expect(result.events).toBe(6);
    expect(result.partitions).toEqual([
      `AuditEvent_before`,
      `AuditEvent_p${firstMonth.toISOString().slice(0, 7).replace('-', '_')}`,
    ]);
    expect(result.chains).toContainEqual({ chainKey: `tenant:${tenant.id}`, fromSeq: '1', throughSeq: '3' });
    expect(await oldEvents()).toBe(0);
    // The file and its manifest.
    const text = readFileSync(result.file);
    expect(createHash('sha256').update(text).digest('hex')).toBe(result.fileSha256);
    expect(JSON.parse(readFileSync(`${result.file}.manifest.json`, 'utf8'))).toMatchObject({
      sha256: result.fileSha256,
      events: 6,
    });
    const offline = await verifyBundleFile(result.file, { trustedKeys: t.services.auditKeys.keySet });
    expect(offline.status, JSON.stringify(offline.breaks)).toBe('intact');
    expect(offline.events).toBe(6);
    // The database: intact from the cut, per chain and all chains (the streaming pass too).
    expect((await verify(t, tenant.id)).status).toBe('intact');
    const all = await verify(t);
    expect(all.status, JSON.stringify(all.breaks)).toBe('intact');
    // The layout: the edge starts at the earliest time and ends where the months kept begin.
    const layout = (await t.services.partitions.layout(jobContext('test'))).filter((p) => p.table === 'AuditEvent');
    expect(layout[0]).toMatchObject({ name: 'AuditEvent_before', from: null, to: secondMonth });
    // Audited, in the same transaction as the drop.
    const events = await t.owner.prisma.auditEvent.findMany({ where: { action: 'audit.archive' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: 'cli:audit:archive', tenantId: null });
  });

  it('a second archive starts each chain where the first ended; bundles exported later start at the cut', async () => {
    const tenant = await newTenant('continued');
    await history(tenant.id, new Date(secondMonth.getTime() + 3_600_000));
    await history(tenant.id, new Date(Date.now() - 30_000));
    const archivedChain = (await owner.query(`SELECT "chainKey" FROM "AuditArchive" WHERE "throughSeq" = 3`)).rows[0].chainKey;
    const result = await archive(monthStart(new Date(), -22));
    expect(result.chains).toEqual(
      expect.arrayContaining([
        { chainKey: `tenant:${tenant.id}`, fromSeq: '1', throughSeq: '1' },
        { chainKey: archivedChain, fromSeq: '4', throughSeq: '4' },
      ]),
    );
    expect(result.events).toBe(2);
    // The second file starts that chain after the first file's last signed head, and verifies.
    const second = readFileSync(result.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(second.find((l) => l.type === 'chain' && l.chainKey === archivedChain)).toMatchObject({
      size: '4',
      start: { seq: '3' },
    });
    const offline = await verifyBundleFile(result.file, { trustedKeys: t.services.auditKeys.keySet });
    expect(offline.status, JSON.stringify(offline.breaks)).toBe('intact');
    expect((await verify(t)).status).toBe('intact');
    // A regular bundle of the whole trail, exported now, starts each archived chain at its cut.
    const file = join(dir, 'later.bundle.ndjson');
    const out = createWriteStream(file);
    await t.services.auditConsole.exportTrail(cliContext('test'), {}, 'bundle', out, { signHeadsFirst: true });
    out.end();
    await finished(out);
    const later = await verifyBundleFile(file, { trustedKeys: t.services.auditKeys.keySet });
    expect(later.status, JSON.stringify(later.breaks)).toBe('intact');
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.type === 'chain' && l.chainKey === archivedChain)).toMatchObject({ start: { seq: '4' } });
    // A start whose signed head was altered is refused by the offline check.
    const forged = join(dir, 'forged-start.ndjson');
    writeFileSync(
      forged,
      lines
        .map((l) =>
          JSON.stringify(
            l.type === 'chain' && l.chainKey === archivedChain
              ? { ...l, start: { ...(l.start as object), rootHash: '0'.repeat(64) } }
              : l,
          ),
        )
        .join('\n'),
    );
    const bad = await verifyBundleFile(forged, { trustedKeys: t.services.auditKeys.keySet });
    expect(bad.breaks).toContainEqual(
      expect.objectContaining({ chainKey: archivedChain, seq: '4', reason: 'checkpoint_mismatch' }),
    );
  });

  it('the archive records are append-only, even for the owner', async () => {
    await expect(owner.query(`UPDATE "AuditArchive" SET "throughSeq" = "throughSeq" + 1`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`DELETE FROM "AuditArchive"`)).rejects.toThrow(/append-only/);
  });

  it('without its archive record, a chain no longer verifies (the cut is what lets it start late)', async () => {
    const [row] = (await owner.query(`SELECT "chainKey" FROM "AuditArchive" ORDER BY "id" LIMIT 1`)).rows as Array<{
      chainKey: string;
    }>;
    await superuser(`DELETE FROM "AuditArchive" WHERE "chainKey" = $1`, [row!.chainKey]);
    const result = await verify(t, row!.chainKey.replace('tenant:', ''));
    expect(result.status).toBe('broken');
    expect(result.breaks[0]).toMatchObject({ chainKey: row!.chainKey, seq: '1', reason: 'deleted' });
  });

  it('an archive file changed after the fact does not verify', async () => {
    const file = join(dir, `audit-archive-before-${secondMonth.toISOString().slice(0, 7)}.ndjson`);
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"event"'));
    lines[i] = lines[i]!.replace('"tenant.update"', '"tenant.delete"');
    const forged = join(dir, 'forged.ndjson');
    writeFileSync(forged, lines.join('\n'));
    const result = await verifyBundleFile(forged, { trustedKeys: t.services.auditKeys.keySet });
    expect(result.status).toBe('broken');
    expect(result.breaks[0]).toMatchObject({ reason: 'edited' });
  });
});
