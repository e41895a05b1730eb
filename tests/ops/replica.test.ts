// The HTTP surface's OpenAPI extension of zod must load before the domain schemas.
import '../../src/http/api/zod-openapi.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplicaLag, lsnValue } from '../../src/db/replica-lag.js';
import { renderMetrics } from '../../src/lib/metrics.js';
import { runExport } from '../../src/modules/exports/export.runner.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { ServiceContext } from '../../src/lib/context.js';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createServices, type Services } from '../../src/services.js';
import { TEST_SECRETS } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { startReplicatedCluster, type ReplicatedCluster } from './helpers/replication.js';
import { waitFor } from './helpers/server.js';

/**
 * A real streaming replica (pg_basebackup of the primary, hot standby): staff reads are served by
 * it, a staff member's own change is read back from the primary at once, and a replica that goes
 * away only sends reads back to the primary. Replay is paused to make "served by the replica"
 * observable: what the primary wrote after the pause exists nowhere else than on the primary.
 */
describe('streaming replica (DATABASE_REPLICA_URL)', () => {
  let cluster: ReplicatedCluster;
  let redis: TestRedis;
  let exportDir: string;
  let runtime: Runtime;
  let services: Services;
  /** A second app node over the same databases and Redis. */
  let other: { runtime: Runtime; services: Services };
  /** A node that lets the replica be at most 1 s behind (REPLICA_MAX_LAG_SECONDS). */
  let strict: { runtime: Runtime; services: Services };
  let f: ReturnType<typeof factories>;
  /** The owner's client, for fixtures and assertions (row-level security does not apply). */
  let owner: PrismaClient;
  let alice: ServiceContext;
  let bob: ServiceContext;
  let tenantId: string;

  beforeAll(async () => {
    cluster = await startReplicatedCluster();
    redis = await startRedis();
    exportDir = mkdtempSync(join(tmpdir(), 'backoffice-replica-exports-'));
    const node = async (maxLagSeconds = '3600') => {
      const config = parseConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: cluster.primary.appUrl,
        DATABASE_REPLICA_URL: cluster.replica.appUrl,
        REPLICA_READ_YOUR_WRITES_SECONDS: '600',
        // Replay is paused for seconds at a time below: the lag limit is not what these test.
        REPLICA_MAX_LAG_SECONDS: maxLagSeconds,
        REDIS_URL: redis.url,
        EXPORT_DIR: exportDir,
      });
      const r = createRuntime({
        config,
        secrets: TEST_SECRETS,
        logger: createLogger('silent'),
        appUrl: cluster.primary.appUrl,
        ownerUrl: cluster.primary.ownerUrl,
      });
      if (!(await waitFor(async () => r.redis!.isReady, 10_000, 20))) throw new Error('redis not ready');
      return { runtime: r, services: createServices(r) };
    };
    ({ runtime, services } = await node());
    other = await node();
    strict = await node('1');
    owner = createPrisma(cluster.primary.ownerUrl, 2);
    f = factories(owner, services);
    alice = await f.staffCtx(await f.staff('SUPERADMIN'));
    bob = await f.staffCtx(await f.staff('SUPERADMIN'));
    tenantId = (await f.tenant({ name: 'Before the pause' })).id;
    await cluster.caughtUp();
    // Until a lag check has seen the replica caught up, a node sends every read to the primary.
    await Promise.all([runtime, other.runtime].map((r) => untilLag(r, () => r.replica!.lag.fresh(), 'fresh')));
  });
  afterAll(async () => {
    await owner?.$disconnect();
    await runtime?.close();
    await other?.runtime.close();
    await strict?.runtime.close();
    await redis?.destroy();
    if (exportDir) rmSync(exportDir, { recursive: true, force: true });
    await cluster?.destroy();
  });

  /** Waits, check by check, until `ok` holds for a node's replica lag. */
  async function untilLag(node: Runtime, ok: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`replica not ${what} within 30 s`);
      await node.replica!.lag.nextCheck();
    }
  }

  const tenantNames = async (ctx: ServiceContext) =>
    (await services.adminRecords.list(ctx, 'Tenant', { take: 50 })).map((r) => String(r.name));

  it('serves staff lists and dashboards from the replica; a staff member reads their own change from the primary', async () => {
    expect(runtime.replica).toBeDefined();
    expect(await tenantNames(bob)).toContain('Before the pause');
    const activeBefore = (await services.dashboard.tenantsByStatus(bob)).find((b) => b.key === 'ACTIVE')!.count;

    await cluster.pauseReplay();
    // Written on the primary by the system (nobody's own write): the replica does not have it.
    await f.tenant({ name: 'Only on the primary' });
    // Alice renames a tenant: her change, hers to read back.
    await services.tenants.update(alice, tenantId, { name: 'Renamed by Alice' });

    const bobSees = await tenantNames(bob);
    expect(bobSees).toContain('Before the pause');
    expect(bobSees).not.toContain('Only on the primary');
    expect(bobSees).not.toContain('Renamed by Alice');
    expect((await services.dashboard.tenantsByStatus(bob)).find((b) => b.key === 'ACTIVE')!.count).toBe(activeBefore);

    // Read-your-writes: Alice's reads go to the primary after her write, replay paused or not.
    const aliceSees = await tenantNames(alice);
    expect(aliceSees).toContain('Renamed by Alice');
    expect(aliceSees).toContain('Only on the primary');
    const record = await services.adminRecords.findOne(alice, 'Tenant', tenantId);
    expect(record?.name).toBe('Renamed by Alice');

    // An export streams from the replica too (its advisory lock stays on the primary).
    const dave = await f.staffCtx(await f.staff('SUPERADMIN'));
    const job = await services.exports.start(dave, { resource: 'Tenant', format: 'csv', reason: 'replica drill' });
    expect((await runExport(services.exportRunner, job.id)).outcome).toBe('completed');
    const done = await owner.exportJob.findUniqueOrThrow({ where: { id: job.id } });
    const csv = readFileSync(done.filePath!, 'utf8');
    expect(csv).toContain('Before the pause');
    expect(csv).not.toContain('Only on the primary');

    // Bob's audited reads (a User list writes admin.User.list) do not pin him to the primary.
    await services.adminRecords.list(bob, 'User', { take: 5 });
    expect(await tenantNames(bob)).not.toContain('Only on the primary');

    await cluster.resumeReplay();
    await cluster.caughtUp();
    const after = await tenantNames(bob);
    expect(after).toContain('Only on the primary');
    expect(after).toContain('Renamed by Alice');
  });

  it('a change made through one app node is read back from the primary on the other (Redis)', async () => {
    const carol = await f.staffCtx(await f.staff('SUPERADMIN'));
    const target = (await f.tenant({ name: 'Before Carol' })).id;
    await cluster.caughtUp();
    await cluster.pauseReplay();
    await other.services.tenants.update(carol, target, { name: 'Renamed by Carol on the other node' });
    const names = async (svc: Services, ctx: ServiceContext) =>
      (await svc.adminRecords.list(ctx, 'Tenant', { take: 50 })).map((r) => String(r.name));
    expect(await names(services, carol)).toContain('Renamed by Carol on the other node');
    expect(await names(services, bob)).not.toContain('Renamed by Carol on the other node');
    await cluster.resumeReplay();
    await cluster.caughtUp();
  });

  it('a replica further behind than REPLICA_MAX_LAG_SECONDS serves no reads until it has caught up', async () => {
    const lag = strict.runtime.replica!.lag;
    const names = async (ctx: ServiceContext) =>
      (await strict.services.adminRecords.list(ctx, 'Tenant', { take: 50 })).map((r) => String(r.name));
    const until = (ok: () => boolean, what: string) => untilLag(strict.runtime, ok, what);
    await cluster.caughtUp();
    await until(() => lag.fresh(), 'fresh');

    await cluster.pauseReplay();
    await f.tenant({ name: 'Written while the replica lags' });
    // The replica has not replayed it; once that is more than a second old, the primary answers.
    await until(() => !lag.fresh(), 'lagging');
    expect(lag.lagSeconds()).toBeGreaterThan(1);
    expect(await names(bob)).toContain('Written while the replica lags');
    expect((await renderMetrics()).body).toMatch(/^backoffice_replica_lag_seconds \S+$/m);

    await cluster.resumeReplay();
    await cluster.caughtUp();
    await until(() => lag.fresh(), 'fresh again');
    expect(lag.lagSeconds()).toBeLessThanOrEqual(1);
  });

  it('a "replica" that is not in recovery is never fresh; LSNs compare as numbers', async () => {
    expect(lsnValue('16/B374D848') > lsnValue('9/FFFFFFFF')).toBe(true);
    expect(lsnValue('0/10')).toBe(16n);
    // DATABASE_REPLICA_URL pointing at the primary by mistake: its reads would be "fresh" forever.
    const lag = createReplicaLag({ primary: runtime.pool, replica: runtime.pool, maxLagSeconds: 3600 });
    try {
      await lag.nextCheck();
      expect(lag.fresh()).toBe(false);
      expect(lag.lagSeconds()).toBe(Infinity);
    } finally {
      lag.stop();
    }
  });

  it('API users and the system read from the primary; a replica that goes away sends staff reads to the primary', async () => {
    await cluster.pauseReplay();
    const tenant = await f.tenant({ name: 'Written while paused' });
    expect((await services.tenants.requireBySlug(f.system(), tenant.slug)).id).toBe(tenant.id);
    expect(await tenantNames(bob)).not.toContain('Written while paused');

    cluster.stopReplica();
    expect(await tenantNames(bob)).toContain('Written while paused');
  });
});
