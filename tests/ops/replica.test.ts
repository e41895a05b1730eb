import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { ServiceContext } from '../../src/lib/context.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createServices, type Services } from '../../src/services.js';
import { TEST_SECRETS } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startReplicatedCluster, type ReplicatedCluster } from './helpers/replication.js';

/**
 * A real streaming replica (pg_basebackup of the primary, hot standby): staff reads are served by
 * it, a staff member's own change is read back from the primary at once, and a replica that goes
 * away only sends reads back to the primary. Replay is paused to make "served by the replica"
 * observable: what the primary wrote after the pause exists nowhere else than on the primary.
 */
describe('streaming replica (DATABASE_REPLICA_URL)', () => {
  let cluster: ReplicatedCluster;
  let runtime: Runtime;
  let services: Services;
  let f: ReturnType<typeof factories>;
  let alice: ServiceContext;
  let bob: ServiceContext;
  let tenantId: string;

  beforeAll(async () => {
    cluster = await startReplicatedCluster();
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: cluster.primary.appUrl,
      DATABASE_REPLICA_URL: cluster.replica.appUrl,
      REPLICA_READ_YOUR_WRITES_SECONDS: '600',
    });
    runtime = createRuntime({
      config,
      secrets: TEST_SECRETS,
      logger: createLogger('silent'),
      appUrl: cluster.primary.appUrl,
      ownerUrl: cluster.primary.ownerUrl,
    });
    services = createServices(runtime);
    f = factories(runtime.prisma, services);
    alice = await f.staffCtx(await f.staff('SUPERADMIN'));
    bob = await f.staffCtx(await f.staff('SUPERADMIN'));
    tenantId = (await f.tenant({ name: 'Before the pause' })).id;
    await cluster.caughtUp();
  });
  afterAll(async () => {
    await runtime?.close();
    await cluster?.destroy();
  });

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

    // Bob's audited reads (a User list writes admin.User.list) do not pin him to the primary.
    await services.adminRecords.list(bob, 'User', { take: 5 });
    expect(await tenantNames(bob)).not.toContain('Only on the primary');

    await cluster.resumeReplay();
    await cluster.caughtUp();
    const after = await tenantNames(bob);
    expect(after).toContain('Only on the primary');
    expect(after).toContain('Renamed by Alice');
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
