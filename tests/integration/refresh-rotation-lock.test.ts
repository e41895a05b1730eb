import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/lib/errors.js';
import { hashRefreshToken } from '../../src/modules/api-auth/api-auth.tokens.js';
import { waitFor } from '../jobs/helpers.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';

/**
 * Refresh-token rotation holds the token's row lock from the moment it reads the token until it
 * commits, so concurrent refreshes of one token serialise: exactly one rotates it, every other
 * sees it used, which is reuse, and the whole family is revoked. To make the race certain rather
 * than likely, the test holds the token's row lock itself while five refreshes start, waits until
 * all five are blocked on a lock, then lets go. With the rotation's lock they are blocked reading
 * the token and then run one by one; without it they all read the token unused, block only on
 * marking it used, and every one of them rotates it (5 of 5, as measured in issue 10).
 */
describe('refresh-token rotation under concurrency', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let blocker: pg.Client;

  beforeAll(async () => {
    t = await createTestContext({ DATABASE_POOL_SIZE: '16' });
    f = factories(t.owner.prisma, t.services);
    blocker = new pg.Client({ connectionString: t.db.ownerUrl });
    await blocker.connect();
  });
  afterAll(async () => {
    await blocker.end();
    await t.close();
  });

  /**
   * Backends of this database (other than the blocker) waiting for a lock. The blocker is inside
   * a transaction, which would see one frozen snapshot of the statistics: clear it first.
   */
  const lockWaiters = async () => {
    await blocker.query('SELECT pg_stat_clear_snapshot()');
    return (
      await blocker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      )
    ).rows[0]!.n;
  };

  it('lets exactly one of five concurrent refreshes of a token rotate it; the others are reuse and revoke the family', async () => {
    const tenant = await f.tenant();
    const user = await f.user(tenant.id);
    const meta = () => ({ correlationId: randomUUID() });
    const pair = await t.services.apiAuth.issueTokens(meta(), { email: user.email, password: STRONG_PASSWORD });

    // Another session holds the token row while the refreshes start.
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "RefreshToken" WHERE "tokenHash" = $1 FOR UPDATE`, [hashRefreshToken(pair.refreshToken)]);
    const attempts = Array.from({ length: 5 }, () => t.services.apiAuth.refresh(meta(), { refreshToken: pair.refreshToken }));
    try {
      await waitFor(async () => (await lockWaiters()) >= 5, 20_000, 20);
    } finally {
      await blocker.query('COMMIT');
    }
    const outcomes = await Promise.allSettled(attempts);

    const rotated = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(rotated).toHaveLength(1);
    expect(refused.map((e) => (isAppError(e) ? e.code : String(e)))).toEqual(Array(4).fill('AUTH.REFRESH_TOKEN_REUSED'));

    // Reuse revoked the family: the winner's new refresh token is dead too.
    const family = await t.owner.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(family).toHaveLength(2);
    expect(family.every((r) => r.revokedAt !== null)).toBe(true);
    const winner = (rotated[0] as PromiseFulfilledResult<{ refreshToken: string }>).value;
    await expect(t.services.apiAuth.refresh(meta(), { refreshToken: winner.refreshToken })).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
    });

    const events = await t.owner.prisma.auditEvent.groupBy({
      by: ['action', 'outcome'],
      where: { recordId: user.id, action: { in: ['api.auth.refresh', 'api.auth.refresh_reuse'] } },
      _count: { _all: true },
    });
    expect(events.map((e) => [e.action, e.outcome, e._count._all]).sort()).toEqual(
      [
        ['api.auth.refresh', 'FAILURE', 1], // the winner's new token, refused above as revoked
        ['api.auth.refresh', 'SUCCESS', 1],
        ['api.auth.refresh_reuse', 'DENIED', 4],
      ].sort(),
    );
  });
});
