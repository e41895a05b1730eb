import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import { isAppError } from '../../src/lib/errors.js';
import { base32Encode, matchTotp, otpauthUri, totpCode, totpStep } from '../../src/modules/staff-auth/totp.js';
import { postLogin, sessionCookiePair, sessionIdOf, startAdmin, STRONG_PASSWORD, type AdminHarness } from './session.helpers.js';

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; our codes are the last 6 digits.
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('at %i s the code is %s', (seconds, code) => {
    expect(totpCode(secret, Math.floor(seconds / 30))).toBe(code);
  });

  it('accepts one step of clock drift either way, nothing further', () => {
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(secret, totpCode(secret, step), now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, step - 1), now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, step + 1), now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, step - 2), now)).toBeNull();
    expect(matchTotp(secret, '12345', now)).toBeNull();
  });

  it('gives authenticator apps an otpauth URI', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'ana@example.com')).toBe(
      'otpauth://totp/Finance%20back%20office%3Aana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Finance+back+office&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('staff login with a TOTP second factor', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdmin();
  });
  afterAll(async () => h.close());

  async function enrolled(role: 'SUPPORT' | 'SUPERADMIN' = 'SUPPORT') {
    const staff = await h.f.staff(role);
    const { secret } = await h.t.services.staffAuth.enrollTotp(cliContext('test'), { staffUserId: staff.id });
    return { staff, secret };
  }
  const currentCode = (secret: string) => totpCode(secret, totpStep());
  const wrongCode = (secret: string) => (currentCode(secret) === '000000' ? '111111' : '000000');

  it('asks for the code after the right password, and opens a session only with it', async () => {
    const { staff, secret } = await enrolled();
    const first = await postLogin(h.app, staff.email, STRONG_PASSWORD);
    expect(first.status).toBe(200);
    expect(first.text).toContain('"step":"totp"');
    const pending = sessionCookiePair(first)!;
    // The password alone opens nothing.
    expect((await request(h.app).get('/admin/api/dashboard').set('Cookie', pending)).status).toBe(401);

    const wrong = await request(h.app)
      .post('/admin/login')
      .type('form')
      .set('Cookie', pending)
      .send({ code: wrongCode(secret) });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('invalidCode');

    const right = await request(h.app)
      .post('/admin/login')
      .type('form')
      .set('Cookie', pending)
      .send({ code: currentCode(secret) });
    expect(right.status).toBe(302);
    const session = sessionCookiePair(right)!;
    expect(sessionIdOf(session)).not.toBe(sessionIdOf(pending));
    expect((await request(h.app).get('/admin/api/dashboard').set('Cookie', session)).status).toBe(200);

    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { actorId: staff.id, action: { in: ['staff.login', 'staff.login.password'] } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['staff.login.password', 'SUCCESS', 'second_factor_required'],
      ['staff.login', 'FAILURE', 'invalid_totp'],
      ['staff.login', 'SUCCESS', 'totp'],
    ]);
  });

  it('takes a recovery code in place of the TOTP code, each once; codes are stored hashed and audited', async () => {
    const staff = await h.f.staff('SUPPORT');
    const { recoveryCodes } = await h.t.services.staffAuth.enrollTotp(cliContext('test'), { staffUserId: staff.id });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const stored = await h.t.owner.prisma.staffRecoveryCode.findMany({ where: { staffUserId: staff.id } });
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code.replace('-', ''));
    const [code] = recoveryCodes;
    const loginWith = async (typed: string) => {
      const pending = sessionCookiePair(await postLogin(h.app, staff.email, STRONG_PASSWORD))!;
      return request(h.app).post('/admin/login').type('form').set('Cookie', pending).send({ code: typed });
    };
    const used = await loginWith(code!.toUpperCase());
    expect(used.status).toBe(302);
    expect((await request(h.app).get('/admin/api/dashboard').set('Cookie', sessionCookiePair(used)!)).status).toBe(200);
    // Once only.
    const again = await loginWith(code!);
    expect(again.status).toBe(401);
    expect(again.text).toContain('invalidCode');
    // Another account's code does not open this one.
    const other = await h.f.staff('SUPPORT');
    const { recoveryCodes: others } = await h.t.services.staffAuth.enrollTotp(cliContext('test'), { staffUserId: other.id });
    expect((await loginWith(others[0]!)).status).toBe(401);
    // New codes replace the old ones.
    const fresh = await h.t.services.staffAuth.regenerateRecoveryCodes(cliContext('test'), { staffUserId: staff.id });
    expect((await loginWith(recoveryCodes[1]!)).status).toBe(401);
    expect((await loginWith(fresh[0]!)).status).toBe(302);

    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { recordId: staff.id, action: { in: ['staff.login', 'staff.totp.enable', 'staff.totp.recovery_codes'] } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['staff.totp.enable', 'SUCCESS', '10 recovery codes generated'],
      ['staff.login', 'SUCCESS', 'recovery_code (9 left)'],
      ['staff.login', 'FAILURE', 'invalid_recovery_code'],
      ['staff.login', 'FAILURE', 'invalid_recovery_code'],
      ['staff.totp.recovery_codes', 'SUCCESS', '10 recovery codes generated; earlier ones revoked'],
      ['staff.login', 'FAILURE', 'invalid_recovery_code'],
      ['staff.login', 'SUCCESS', 'recovery_code (9 left)'],
    ]);
    const trail = JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (const c of [...recoveryCodes, ...fresh]) expect(trail).not.toContain(c);
    // Without TOTP there is nothing to recover.
    const plain = await h.f.staff('SUPPORT');
    await expect(
      h.t.services.staffAuth.regenerateRecoveryCodes(cliContext('test'), { staffUserId: plain.id }),
    ).rejects.toMatchObject({ code: 'STAFF.TOTP_NOT_ENABLED' });
  });

  it('refuses a code without a password step, or after the step has expired', async () => {
    const { staff, secret } = await enrolled();
    const orphan = await request(h.app)
      .post('/admin/login')
      .type('form')
      .send({ code: currentCode(secret) });
    expect(orphan.status).toBe(401);
    expect(sessionCookiePair(orphan)).toBeUndefined();

    const first = await postLogin(h.app, staff.email, STRONG_PASSWORD);
    const pending = sessionCookiePair(first)!;
    await h.t.owner.pool.query(
      `UPDATE "StaffSession" SET sess = jsonb_set(sess, '{pendingSecondFactor,at}', to_jsonb($2::bigint)) WHERE sid = $1`,
      [sessionIdOf(pending), Date.now() - 6 * 60_000],
    );
    const late = await request(h.app)
      .post('/admin/login')
      .type('form')
      .set('Cookie', pending)
      .send({ code: currentCode(secret) });
    expect(late.status).toBe(401);
    expect(late.text).toContain('invalidCredentials');
  });

  it('accepts a code once: a replay, an earlier step, or a concurrent second use of it is refused', async () => {
    const { staff, secret } = await enrolled();
    const code = currentCode(secret);
    const sendCode = async (value: string) => {
      const pending = sessionCookiePair(await postLogin(h.app, staff.email, STRONG_PASSWORD))!;
      return request(h.app).post('/admin/login').type('form').set('Cookie', pending).send({ code: value });
    };
    expect((await sendCode(code)).status).toBe(302);
    const replay = await sendCode(code);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('invalidCode');
    // Still within the drift window, but older than the step already used.
    expect((await sendCode(totpCode(secret, totpStep() - 1))).status).toBe(401);
    const events = await h.t.owner.prisma.auditEvent.findMany({
      where: { actorId: staff.id, action: 'staff.login' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.outcome, e.reason])).toEqual([
      ['SUCCESS', 'totp'],
      ['FAILURE', 'invalid_totp'],
      ['FAILURE', 'invalid_totp'],
    ]);

    // Two logins racing with one fresh code (the next step's, within the drift window): one wins.
    const other = await enrolled();
    const next = totpCode(other.secret, totpStep() + 1);
    const pendings = await Promise.all(
      [1, 2].map(async () => sessionCookiePair(await postLogin(h.app, other.staff.email, STRONG_PASSWORD))!),
    );
    const results = await Promise.all(
      pendings.map((p) => request(h.app).post('/admin/login').type('form').set('Cookie', p).send({ code: next })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([302, 401]);
  });

  it('counts wrong codes towards the account lockout', async () => {
    const { staff, secret } = await enrolled();
    const pending = sessionCookiePair(await postLogin(h.app, staff.email, STRONG_PASSWORD))!;
    for (let i = 0; i < 5; i++)
      await request(h.app)
        .post('/admin/login')
        .type('form')
        .set('Cookie', pending)
        .send({ code: wrongCode(secret) });
    const row = await h.t.owner.prisma.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.failedLoginCount).toBe(5);
    expect(row.lockedUntil).not.toBeNull();
    // Locked: neither the password nor a right code gets through now.
    expect((await postLogin(h.app, staff.email, STRONG_PASSWORD)).status).toBe(401);
  });

  it('lets staff turn TOTP on for themselves, not for others (superadmins may)', async () => {
    const self = await h.f.staff('SUPPORT');
    const other = await h.f.staff('SUPPORT');
    const selfCtx = await h.f.staffCtx(self);
    const mine = await h.t.services.staffAuth.enrollTotp(selfCtx, { staffUserId: self.id });
    expect(mine.uri).toContain(encodeURIComponent(self.email));
    const refused = await h.t.services.staffAuth.enrollTotp(selfCtx, { staffUserId: other.id }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.kind).toBe('FORBIDDEN');
    const superadmin = await h.f.staff('SUPERADMIN');
    await h.t.services.staffAuth.disableTotp(await h.f.staffCtx(superadmin), { staffUserId: self.id, reason: 'Lost phone' });
    expect((await postLogin(h.app, self.email, STRONG_PASSWORD)).status).toBe(302);
    const stored = await h.t.owner.prisma.auditEvent.findFirst({ where: { action: 'staff.totp.enable', recordId: self.id } });
    expect(JSON.stringify(stored?.diff)).not.toContain(mine.secret);
  });
});
