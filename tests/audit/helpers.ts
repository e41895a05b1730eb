import { WriteSession } from '../../src/db/session.js';
import { buildSystemContext } from '../../src/modules/access/context.factory.js';
import pg from 'pg';
import type { TestContext } from '../helpers/db.js';
import { TEST_SECRETS } from '../helpers/db.js';
import { checkpointAllChains, type CheckpointAllOptions } from '../../src/modules/audit/audit.checkpoint.js';
import { verifyChains, type VerificationResult, type VerifyOptions } from '../../src/modules/audit/audit.verify.js';
import { cliContext } from '../../src/cli/system-context.js';
import { actorFields } from '../../src/modules/audit/audit.service.js';

/** Events appended directly, outside any service: a system context. */
const TEST_CTX = buildSystemContext('test:audit-direct', 'all');

/** The legacy HMAC key (checkpoints written before Ed25519). */
export const HMAC_KEY = TEST_SECRETS.auditCheckpointKey;

/** Verifies with the test context's keys and checkpoint interval. */
export const verify = (t: TestContext, tenantId?: string, options: Partial<VerifyOptions> = {}): Promise<VerificationResult> =>
  verifyChains(t.owner.pool, {
    tenantId: tenantId ?? null,
    keys: t.services.auditKeys,
    checkpointEvery: t.config.AUDIT_CHECKPOINT_EVERY,
    ...options,
  });

/** The periodic checkpoint job with the test context's keys. */
export const checkpointJob = (t: TestContext, options: Partial<CheckpointAllOptions> = {}) =>
  checkpointAllChains(t.owner.pool, { signer: t.services.auditKeys.signer, ring: t.services.auditKeys.ring, ...options });

/** Appends `n` simple events to a tenant's chain (or the global one), one transaction each. */
export async function appendEvents(t: TestContext, tenantId: string | null, n: number, action = 'tenant.update'): Promise<void> {
  const ctx = cliContext('test');
  for (let i = 0; i < n; i += 1) {
    await t.owner.prisma.$transaction((tx) =>
      t.services.audit.record(new WriteSession(TEST_CTX, tx), {
        ...actorFields(ctx),
        tenantId,
        action,
        resource: 'Tenant',
        recordId: tenantId,
        diff: { n: { from: i, to: i + 1 } },
      }),
    );
  }
}

/** A connection as the database superuser (what an attacker with full access would hold). */
export async function asOwner<T>(t: TestContext, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: t.db.ownerUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Events of a chain as stored: id, seq, hash, prevHash (ascending seq). */
export async function chainRows(t: TestContext, chainKey: string) {
  const { rows } = await t.owner.pool.query<{ id: string; seq: string; hash: string; prevHash: string }>(
    `SELECT "id"::text AS id, "seq"::text AS seq, "hash", "prevHash" FROM "AuditEvent" e WHERE e."chainKey" = $1 ORDER BY e."seq"`,
    [chainKey],
  );
  return rows;
}
