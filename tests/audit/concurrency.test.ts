import { WRITE_TX_OPTIONS, WriteSession } from '../../src/db/session.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import { actorFields } from '../../src/modules/audit/audit.service.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { checkpointJob, verify } from './helpers.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct', 'all');

/** The figure is 30 s; AUDIT_STRESS_SECONDS shortens (or lengthens) it. */
const SECONDS = Number(process.env.AUDIT_STRESS_SECONDS ?? 30);
const WRITERS = 32;
const TENANTS = 10;

class Rollback extends Error {}

describe(`${WRITERS} concurrent writers across ${TENANTS} tenants for ${SECONDS} s`, () => {
  let t: TestContext;
  let tenantIds: string[];

  beforeAll(async () => {
    t = await createTestContext({ DATABASE_POOL_SIZE: String(WRITERS + 4) });
    const f = factories(t.owner.prisma, t.services);
    tenantIds = [];
    for (let i = 0; i < TENANTS; i += 1) tenantIds.push((await f.tenant()).id);
  });
  afterAll(async () => t?.close());

  it(
    'leave every chain intact: no fork, no gap, no lost or extra event',
    async () => {
      const ctx = cliContext('stress');
      const committed = new Map<string, number>(); // chainKey -> events committed by the writers
      const bump = (key: string) => committed.set(key, (committed.get(key) ?? 0) + 1);
      const deadline = Date.now() + SECONDS * 1000;
      let transactions = 0;
      let rolledBack = 0;
      const started = performance.now();

      async function writer(w: number) {
        let i = 0;
        while (Date.now() < deadline) {
          i += 1;
          const roll = (w * 7919 + i * 104729) % 100;
          // Mostly one tenant's chain; some global events; some transactions touching two chains
          // (locked in a fixed order); some rolled back after recording.
          const primary = roll < 5 ? null : tenantIds[(w + i) % TENANTS]!;
          const second = roll >= 90 ? tenantIds[(w + i + 1) % TENANTS]! : undefined;
          const chains = [primary, ...(second ? [second] : [])].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
          const rollback = roll % 17 === 0;
          try {
            await t.owner.prisma.$transaction(async (tx) => {
              for (const tenantId of chains)
                await t.services.audit.record(new WriteSession(TEST_CTX, tx), {
                  ...actorFields(ctx),
                  tenantId,
                  action: 'tenant.update',
                  resource: 'Tenant',
                  recordId: tenantId,
                  diff: { i: { from: i - 1, to: i } },
                });
              if (rollback) throw new Rollback();
            }, WRITE_TX_OPTIONS); // as the services' writes: 32 writers on 2 shared cores wait their turn
            for (const tenantId of chains) bump(tenantId ? `tenant:${tenantId}` : 'global');
            transactions += 1;
          } catch (err) {
            if (!(err instanceof Rollback)) throw err;
            rolledBack += 1;
          }
        }
      }

      // The periodic checkpoint job runs alongside the writers.
      let jobRuns = 0;
      const job = (async () => {
        while (Date.now() < deadline) {
          const result = await checkpointJob(t);
          expect(result.refused).toEqual([]);
          jobRuns += 1;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      })();

      await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), job]);
      const elapsed = (performance.now() - started) / 1000;

      const verifyStarted = performance.now();
      const result = await verify(t);
      const verifySeconds = (performance.now() - verifyStarted) / 1000;
      console.log(
        `[audit stress] ${transactions} committed transactions (${Math.round(transactions / elapsed)}/s), ${rolledBack} rolled back, ` +
          `${jobRuns} checkpoint job runs in ${elapsed.toFixed(1)} s; verified ${result.events} events, ${result.checkpoints} checkpoints in ${verifySeconds.toFixed(2)} s`,
      );
      expect(result.breaks).toEqual([]);
      expect(result.status).toBe('intact');
      expect(transactions).toBeGreaterThan(WRITERS);
      expect(rolledBack).toBeGreaterThan(0);

      // Each chain holds exactly its tenant.create plus what the writers committed, seq 1..n.
      for (const [chainKey, n] of committed) {
        const head = await t.owner.prisma.auditChainHead.findUniqueOrThrow({ where: { chainKey } });
        const base = chainKey === 'global' ? 0 : 1;
        expect(Number(head.seq)).toBe(base + n);
        expect(await t.owner.prisma.auditEvent.count({ where: { chainKey } })).toBe(base + n);
      }
    },
    (SECONDS + 120) * 1000,
  );
});
