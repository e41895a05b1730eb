import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaffUser } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';

const REQUEST_ID = /request ([0-9a-f-]{36})/;

/**
 * Four-eyes on the command line (ADR 0013): with a policy on, a guarded CLI command needs a named
 * maker (`--as`, signed in) and is held like any other door; the system actor is refused; the
 * approval:* commands decide through the same service as the admin, with the same segregation
 * of duties (the maker never approves their own request) and the same audit events.
 */
describe('four-eyes approval through the CLI', () => {
  let t: TestContext;
  let f: ReturnType<typeof factories>;
  let maker: StaffUser;
  let checker: StaffUser;
  let tenantSlug: string;

  const run = (args: string[], options: { input?: string; password?: string } = {}) =>
    runCli(t.db, args, {
      input: options.input,
      env: { BACKOFFICE_AS_PASSWORD: options.password ?? STRONG_PASSWORD },
      timeoutMs: 90_000,
    });
  const setPolicy = async (action: string, change: Record<string, unknown>) => {
    const policy = (await t.services.approvals.listPolicies(f.system())).find((p) => p.action === action)!;
    return t.services.approvals.updatePolicy(f.system(), policy.id, change);
  };
  const eventsOf = (requestId: string) =>
    t.owner.prisma.auditEvent.findMany({ where: { recordId: requestId }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    t = await createTestContext();
    f = factories(t.owner.prisma, t.services);
    maker = await f.staff('SUPERADMIN');
    checker = await f.staff('SUPERADMIN');
    tenantSlug = (await f.tenant({ name: 'CLI four-eyes household' })).slug;
    await setPolicy('staff.create', { enabled: true, reason: 'four-eyes on' });
    await setPolicy('export.tenant', { enabled: true, reason: 'four-eyes on' });
  });
  afterAll(async () => t?.close());

  it('without --as a guarded command is refused (audited as the system) and says how to name oneself', async () => {
    const email = 'nobody-named@staff.test';
    const r = run(['staff:create', '--email', email, '--role', 'ENGINEER', '--password-stdin'], {
      input: `${STRONG_PASSWORD}\n`,
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/APPROVAL\.PERSON_REQUIRED/);
    expect(r.err).toMatch(/--as <your staff email>/);
    expect(await t.owner.prisma.staffUser.count({ where: { email } })).toBe(0);
    expect(
      await t.owner.prisma.auditEvent.count({
        where: { action: 'approval.request', outcome: 'DENIED', actorType: 'SYSTEM', actorId: 'cli:staff:create' },
      }),
    ).toBe(1);
  });

  // Each step is a CLI process (tsx start-up included): over a minute on two busy shared cores.
  it('with --as it is held; the maker cannot approve it; another approver lists, shows and approves it', async () => {
    const email = 'held-by-cli@staff.test';
    const held = run(['staff:create', '--email', email, '--role', 'ENGINEER', '--password-stdin', '--as', maker.email], {
      input: `${STRONG_PASSWORD}\n`,
    });
    expect(held.err).toBe('');
    expect(held.code).toBe(3);
    expect(held.out).toMatch(/^Held for approval/);
    const id = REQUEST_ID.exec(held.out)![1]!;
    expect(await t.owner.prisma.staffUser.count({ where: { email } })).toBe(0);

    // Pending for the checker, not for its maker; the maker sees it under --mine.
    expect(run(['approval:list', '--as', maker.email]).out).not.toContain(id);
    expect(run(['approval:list', '--as', maker.email, '--mine']).out).toContain(id);
    const listed = run(['approval:list', '--as', checker.email]);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n').find((line) => line.startsWith(id))).toMatch(/^\S+\tPENDING\tstaff\.create\t0\/1\t/);
    const shown = run(['approval:show', id, '--as', checker.email]);
    // What will change, before → after (personal data such as the email arrives redacted, as in the admin).
    expect(shown.out).toMatch(/^ {2}changes:$/m);
    expect(shown.out).toMatch(/^ {4}email: — → \S+$/m);
    expect(shown.out).toContain('role: — → ENGINEER');

    // The maker, whatever their role: refused, and audited.
    const own = run(['approval:approve', id, '--as', maker.email]);
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/APPROVAL\.OWN_REQUEST/);
    // Naming a checker is not enough: they must sign in.
    const impostor = run(['approval:approve', id, '--as', checker.email], { password: 'not-their-password-at-all' });
    expect(impostor.code).toBe(1);
    expect(impostor.err).toMatch(/STAFF_AUTH\.INVALID_CREDENTIALS/);
    expect((await t.owner.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING');

    const approved = run(['approval:approve', id, '--as', checker.email, '--reason', 'Ticket 88 checked']);
    expect(approved.err).toBe('');
    expect(approved.out).toMatch(/^Approved: the change is made/);
    expect(await t.owner.prisma.staffUser.count({ where: { email, role: 'ENGINEER' } })).toBe(1);
    const steps = (await eventsOf(id)).map((e) => [e.action, e.outcome, e.actorType, e.actorId]);
    expect(steps).toEqual([
      ['approval.request', 'SUCCESS', 'STAFF', maker.id],
      ['approval.approve', 'DENIED', 'STAFF', maker.id],
      ['approval.approve', 'SUCCESS', 'STAFF', checker.id],
      ['approval.execute', 'SUCCESS', 'STAFF', checker.id],
    ]);
  }, 180_000);

  // Each step is a CLI process (tsx start-up included): over a minute on two busy shared cores.
  it('a tenant export is held; rejection needs a reason; only the maker withdraws', async () => {
    const args = ['export', '--tenant', tenantSlug, '--format', 'json', '--out', join(tmpdir(), `never-${Date.now()}.json`)];
    const first = run([...args, '--as', maker.email, '--reason', 'DSAR 9']);
    expect(first.code).toBe(3);
    const rejectId = REQUEST_ID.exec(first.out)![1]!;
    const noReason = run(['approval:reject', rejectId, '--as', checker.email]);
    expect(noReason.code).not.toBe(0);
    expect(noReason.err).toMatch(/--reason/);
    expect(run(['approval:reject', rejectId, '--as', checker.email, '--reason', 'No ticket for this']).out).toMatch(/^Rejected/);
    expect(await t.owner.prisma.approvalRequest.findUniqueOrThrow({ where: { id: rejectId } })).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'No ticket for this',
    });

    const second = run([...args, '--as', maker.email, '--reason', 'DSAR 10']);
    const withdrawId = REQUEST_ID.exec(second.out)![1]!;
    expect(run(['approval:withdraw', withdrawId, '--as', checker.email]).err).toMatch(/APPROVAL\.NOT_MAKER/);
    expect(run(['approval:withdraw', withdrawId, '--as', maker.email]).out).toMatch(/^Withdrawn/);
    expect((await t.owner.prisma.approvalRequest.findUniqueOrThrow({ where: { id: withdrawId } })).status).toBe('WITHDRAWN');
    expect(
      await t.owner.prisma.exportJob.count({ where: { resource: 'TenantBundle', reason: { in: ['DSAR 9', 'DSAR 10'] } } }),
    ).toBe(0);
  }, 180_000);

  it('with nobody else able to approve, the CLI says why nothing can be approved', async () => {
    // As on a fresh install with one superadmin: no other staff member holds an approver role.
    await setPolicy('staff.create', { approverRoles: ['COMPLIANCE'] });
    try {
      const r = run(
        ['staff:create', '--email', 'lonely@staff.test', '--role', 'ENGINEER', '--password-stdin', '--as', maker.email],
        {
          input: `${STRONG_PASSWORD}\n`,
        },
      );
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/APPROVAL\.NO_APPROVER/);
      expect(r.err).toMatch(/a maker never approves their own request/);
      expect(r.err).toMatch(/turn the policy off/);
    } finally {
      await setPolicy('staff.create', { approverRoles: ['SUPERADMIN'] });
    }
  });
});
