import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_DOWNLOAD_PATH, exportDownloadRoute } from '../../admin/actions/operations.actions.js';
import { attachRequestMeta } from '../../admin/auth/current-admin.js';
import { errorHandler } from '../../src/http/middleware/error-handler.js';
import { requestId } from '../../src/http/middleware/request-id.js';
import { buildWorld, eventsOf, idsOf, type World } from './resources.helpers.js';

const rid = (name: string) => `req-${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** The custom admin actions over HTTP: each calls one domain service, audited exactly once. */
describe('admin custom actions', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => w.close());

  const prisma = () => w.h.t.owner.prisma;
  const outcomes = async (id: string) => (await eventsOf(prisma(), id)).map((e) => [e.action, e.outcome]);

  describe('tenant suspend / reactivate', () => {
    it('suspends and reactivates tenant A for support granted A, one audit event each, with the reason', async () => {
      const r1 = rid('suspend');
      const res = await w.api.supportA.recordPost('Tenant', w.a.tenantId, 'suspend', { reason: 'Chargeback investigation' }, r1);
      expect(res.status).toBe(200);
      expect(res.body.record.params.status).toBe('SUSPENDED');
      expect((await prisma().tenant.findUniqueOrThrow({ where: { id: w.a.tenantId } })).status).toBe('SUSPENDED');
      const events = await eventsOf(prisma(), r1);
      expect(events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
        ['tenant.suspend', 'SUCCESS', 'Chargeback investigation'],
      ]);
      expect(events[0]).toMatchObject({
        actorType: 'STAFF',
        actorId: w.staff.supportA.id,
        actorRole: 'SUPPORT',
        tenantId: w.a.tenantId,
      });
      expect(await prisma().outboxEvent.count({ where: { tenantId: w.a.tenantId, type: 'tenant.suspended' } })).toBe(1);

      const r2 = rid('reactivate');
      expect((await w.api.supportA.recordPost('Tenant', w.a.tenantId, 'reactivate', { reason: 'Resolved' }, r2)).status).toBe(
        200,
      );
      expect((await prisma().tenant.findUniqueOrThrow({ where: { id: w.a.tenantId } })).status).toBe('ACTIVE');
      expect(await outcomes(r2)).toEqual([['tenant.reactivate', 'SUCCESS']]);
    });

    it('answers 404 for tenant B (audited DENIED) and leaves it active', async () => {
      const r = rid('suspendB');
      const res = await w.api.supportA.recordPost('Tenant', w.b.tenantId, 'suspend', { reason: 'Not mine' }, r);
      expect(res.status).toBe(404);
      expect((await prisma().tenant.findUniqueOrThrow({ where: { id: w.b.tenantId } })).status).toBe('ACTIVE');
      expect(await outcomes(r)).toEqual([['admin.Tenant.suspend', 'DENIED']]);
      expect((await w.api.supportExpired.recordPost('Tenant', w.a.tenantId, 'suspend', { reason: 'Expired grant' })).status).toBe(
        404,
      );
    });

    it('refuses compliance and engineers (403, audited DENIED) and requires a reason', async () => {
      for (const who of ['compliance', 'engineer'] as const) {
        const r = rid(`suspend-${who}`);
        const res = await w.api[who].recordPost('Tenant', w.a.tenantId, 'suspend', { reason: 'Trying' }, r);
        expect(res.status, who).toBe(403);
        expect(await outcomes(r)).toEqual([['tenant.suspend', 'DENIED']]);
      }
      const noReason = await w.api.supportA.recordPost('Tenant', w.a.tenantId, 'suspend', {});
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.code).toBe('VALIDATION_ERROR');
      expect((await prisma().tenant.findUniqueOrThrow({ where: { id: w.a.tenantId } })).status).toBe('ACTIVE');
    });
  });

  describe('user unlock and password reset', () => {
    it("unlocks tenant A's locked user: counters cleared, LOCKED → ACTIVE, audited once", async () => {
      const r = rid('unlock');
      const res = await w.api.supportA.recordPost('User', w.a.lockedUserId, 'unlock', { reason: 'Verified by phone' }, r);
      expect(res.status).toBe(200);
      const user = await prisma().user.findUniqueOrThrow({ where: { id: w.a.lockedUserId } });
      expect(user).toMatchObject({ status: 'ACTIVE', failedLoginCount: 0, lockedUntil: null });
      const events = await eventsOf(prisma(), r);
      expect(events.map((e) => [e.action, e.outcome])).toEqual([['user.unlock', 'SUCCESS']]);
      expect(events[0]!.diff).toMatchObject({ status: { from: 'LOCKED', to: 'ACTIVE' }, failedLoginCount: { from: 5, to: 0 } });
      // Nothing left to unlock: a conflict, not a second change.
      expect((await w.api.supportA.recordPost('User', w.a.lockedUserId, 'unlock', {})).status).toBe(409);
    });

    it("cannot unlock tenant B's user (404) nor, as compliance, anyone (403)", async () => {
      expect((await w.api.supportA.recordPost('User', w.b.lockedUserId, 'unlock', {})).status).toBe(404);
      expect((await w.api.compliance.recordPost('User', w.b.lockedUserId, 'unlock', {})).status).toBe(403);
      expect((await prisma().user.findUniqueOrThrow({ where: { id: w.b.lockedUserId } })).status).toBe('LOCKED');
    });

    it('sends a password reset through the outbox, stamped and audited in one transaction', async () => {
      const r = rid('reset');
      const res = await w.api.supportA.recordPost('User', w.a.userId, 'sendPasswordReset', {}, r);
      expect(res.status).toBe(200);
      expect((await prisma().user.findUniqueOrThrow({ where: { id: w.a.userId } })).passwordResetSentAt).not.toBeNull();
      const outbox = await prisma().outboxEvent.findMany({ where: { type: 'user.password_reset_requested' } });
      expect(outbox).toHaveLength(1);
      expect(outbox[0]!.payload).toMatchObject({ userId: w.a.userId, tenantId: w.a.tenantId });
      expect(await outcomes(r)).toEqual([['user.password_reset', 'SUCCESS']]);
      expect((await w.api.supportA.recordPost('User', w.b.userId, 'sendPasswordReset', {})).status).toBe(404);
      expect((await w.api.compliance.recordPost('User', w.b.userId, 'sendPasswordReset', {})).status).toBe(403);
      expect(await prisma().outboxEvent.count({ where: { type: 'user.password_reset_requested' } })).toBe(1);
    });
  });

  describe('post adjustment', () => {
    it('posts an adjustment that references the original transaction, audited once', async () => {
      const original = w.a.transactionIds[1]!;
      const r = rid('adjust');
      const res = await w.api.supportA.recordPost(
        'Transaction',
        original,
        'postAdjustment',
        { amount: '2.50', direction: 'CREDIT', description: 'Refund of fee', reason: 'Bank fee reversed' },
        r,
      );
      expect(res.status).toBe(200);
      const adjustment = await prisma().transaction.findFirstOrThrow({ where: { adjustsTransactionId: original } });
      expect(adjustment).toMatchObject({ kind: 'ADJUSTMENT', direction: 'CREDIT', tenantId: w.a.tenantId });
      expect(adjustment.amount.toString()).toBe('2.5');
      expect(res.body.record.id).toBe(adjustment.id);
      expect(await outcomes(r)).toEqual([['transaction.adjust', 'SUCCESS']]);
    });

    it("refuses tenant B's transaction (404), compliance (no rule), and invalid amounts (400)", async () => {
      const before = await prisma().transaction.count();
      expect(
        (
          await w.api.supportA.recordPost('Transaction', w.b.transactionIds[0]!, 'postAdjustment', {
            amount: '1.00',
            direction: 'DEBIT',
            reason: 'Not mine',
          })
        ).status,
      ).toBe(404);
      const c = await w.api.compliance.recordPost('Transaction', w.a.transactionIds[0]!, 'postAdjustment', {
        amount: '1.00',
        direction: 'DEBIT',
        reason: 'Compliance may not',
      });
      expect([403, 404]).toContain(c.status);
      const bad = await w.api.supportA.recordPost('Transaction', w.a.transactionIds[0]!, 'postAdjustment', {
        amount: '1.005',
        direction: 'DEBIT',
        reason: 'Three decimals',
      });
      expect(bad.status).toBe(400);
      expect(await prisma().transaction.count()).toBe(before);
    });
  });

  describe('append-only resources', () => {
    it('offers no edit, delete or bulk delete on transactions and audit events, and the service refuses them (403, DENIED)', async () => {
      const event = await prisma().auditEvent.findFirstOrThrow({ where: { tenantId: w.a.tenantId } });
      const txId = w.a.transactionIds[0]!;
      const list = await w.api.superadmin.list('Transaction');
      const actionNames = list.body.records[0].recordActions.map((a: { name: string }) => a.name);
      expect(actionNames).not.toContain('edit');
      expect(actionNames).not.toContain('delete');
      expect(list.body.records[0].bulkActions.map((a: { name: string }) => a.name)).not.toContain('bulkDelete');

      for (const [resource, id] of [
        ['Transaction', txId],
        ['AuditEvent', event.id.toString()],
      ] as const) {
        for (const action of ['edit', 'delete']) {
          const r = rid(`${resource}-${action}`);
          const res = await w.api.superadmin.recordPost(resource, id, action, { description: 'changed', action: 'forged' }, r);
          expect(res.status, `${resource} ${action}`).toBe(403);
          expect((await outcomes(r)).map((e) => e[1])).toEqual(['DENIED']);
        }
        expect((await w.api.superadmin.bulk(resource, 'bulkDelete', [id])).status).toBe(403);
        expect((await w.api.superadmin.resourcePost(resource, 'new', { description: 'x' })).status).toBe(403);
      }
      expect((await prisma().transaction.findUniqueOrThrow({ where: { id: txId } })).description).toBe('Alpha purchase 0');
      expect((await prisma().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe(event.action);
    });
  });

  describe('tenant access grants', () => {
    it('lets a superadmin grant and revoke access, which takes effect on the very next request', async () => {
      expect((await w.api.supportNone.list('Account')).body.meta.total).toBe(0);
      const r = rid('grant');
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const res = await w.api.superadmin.resourcePost(
        'TenantAccessGrant',
        'grant',
        { staffUserId: w.staff.supportNone.id, tenantId: w.b.tenantId, reason: 'Ticket 4711', expiresAt },
        r,
      );
      expect(res.status).toBe(200);
      expect(await outcomes(r)).toEqual([['access.grant', 'SUCCESS']]);
      const grantId = res.body.record.id as string;
      expect(idsOf(await w.api.supportNone.list('Account'))).toEqual([w.b.accountId]);

      const r2 = rid('revoke');
      expect(
        (await w.api.superadmin.recordPost('TenantAccessGrant', grantId, 'revoke', { reason: 'Ticket closed' }, r2)).status,
      ).toBe(200);
      expect(await outcomes(r2)).toEqual([['access.revoke', 'SUCCESS']]);
      expect((await w.api.supportNone.list('Account')).body.meta.total).toBe(0);
      expect((await w.api.supportNone.record('Account', w.b.accountId, 'show')).status).toBe(404);
    });

    it('refuses grants by anyone but a superadmin (403, audited)', async () => {
      for (const who of ['supportA', 'compliance', 'engineer'] as const) {
        const r = rid(`grant-${who}`);
        const res = await w.api[who].resourcePost(
          'TenantAccessGrant',
          'grant',
          {
            staffUserId: w.staff[who].id,
            tenantId: w.b.tenantId,
            reason: 'Self-service',
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
          r,
        );
        expect(res.status, who).toBe(403);
        expect(await outcomes(r)).toEqual([['access.grant', 'DENIED']]);
      }
      expect(await prisma().tenantAccessGrant.count({ where: { tenantId: w.b.tenantId, reason: 'Self-service' } })).toBe(0);
    });
  });

  describe('reveal personal data', () => {
    it('reveals one user to one compliance officer for 15 minutes, with a reason, audited', async () => {
      const masked = await w.api.compliance.record('User', w.b.userId, 'show');
      expect(masked.body.record.params.name).toBe('B••• O•••');
      expect(masked.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('reveal');

      expect((await w.api.compliance.recordPost('User', w.b.userId, 'reveal', {})).status).toBe(400);
      const r = rid('reveal');
      const res = await w.api.compliance.recordPost('User', w.b.userId, 'reveal', { reason: 'Subject access request 77' }, r);
      expect(res.status).toBe(200);
      expect(res.body.record.params.name).toBe('Bravo Owner');
      const events = await eventsOf(prisma(), r);
      expect(events.map((e) => [e.action, e.outcome, e.reason, e.recordId])).toEqual([
        ['personal_data.reveal', 'SUCCESS', 'Subject access request 77', w.b.userId],
      ]);
      const row = await prisma().personalDataReveal.findFirstOrThrow({ where: { recordId: w.b.userId } });
      expect(row.staffUserId).toBe(w.staff.compliance.id);
      expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(15 * 60_000);

      expect((await w.api.compliance.record('User', w.b.userId, 'show')).body.record.params.name).toBe('Bravo Owner');
      // Only that record, and only for that officer.
      expect((await w.api.compliance.record('User', w.b.lockedUserId, 'show')).body.record.params.name).toBe('B••• M•••');
      const list = await w.api.compliance.list('User', { perPage: 100 });
      const names = list.body.records.map((u: { id: string; params: { name: string } }) => [u.id, u.params.name]);
      expect(names).toContainEqual([w.b.userId, 'Bravo Owner']);
      expect(names).toContainEqual([w.a.userId, expect.stringContaining('•••')]);
    });

    it('stops revealing once the 15 minutes are over', async () => {
      const past = new Date(Date.now() - 20 * 60_000);
      await prisma().personalDataReveal.create({
        data: {
          staffUserId: w.staff.compliance.id,
          resource: 'User',
          recordId: w.a.lockedUserId,
          reason: 'Old reveal',
          createdAt: past,
          expiresAt: new Date(past.getTime() + 15 * 60_000),
        },
      });
      expect((await w.api.compliance.record('User', w.a.lockedUserId, 'show')).body.record.params.email).toContain('•••');
    });

    it('refuses reveals by support (no rule) and of users out of scope', async () => {
      const r = rid('reveal-support');
      expect((await w.api.supportA.recordPost('User', w.a.userId, 'reveal', { reason: 'Curious' }, r)).status).toBe(403);
      expect(await outcomes(r)).toEqual([['personal_data.reveal', 'DENIED']]);
      expect((await w.api.engineer.recordPost('User', w.a.userId, 'reveal', { reason: 'Curious' })).status).toBe(404);
      expect(await prisma().personalDataReveal.count({ where: { reason: 'Curious' } })).toBe(0);
    });
  });

  describe('generic new / edit / delete / bulk delete', () => {
    it('creates, edits and deletes a feature flag as an engineer through the feature flag service, audited once each', async () => {
      const r1 = rid('ff-new');
      const created = await w.api.engineer.resourcePost(
        'FeatureFlag',
        'new',
        { key: 'new-dashboard', description: 'Try it', enabled: 'false', rolloutPercentage: '10' },
        r1,
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const flag = await prisma().featureFlag.findUniqueOrThrow({ where: { key: 'new-dashboard' } });
      expect(flag.rolloutPercentage).toBe(10);
      expect(await outcomes(r1)).toEqual([['feature_flag.create', 'SUCCESS']]);

      const r2 = rid('ff-edit');
      expect(
        (
          await w.api.engineer.recordPost(
            'FeatureFlag',
            flag.id,
            'edit',
            { enabled: 'true', rolloutPercentage: '50', tenantIds: w.a.tenantId },
            r2,
          )
        ).status,
      ).toBe(200);
      const edited = await prisma().featureFlag.findUniqueOrThrow({ where: { id: flag.id } });
      expect(edited).toMatchObject({ enabled: true, rolloutPercentage: 50, tenantIds: [w.a.tenantId] });
      const e2 = await eventsOf(prisma(), r2);
      expect(e2.map((e) => e.action)).toEqual(['feature_flag.update']);
      expect(e2[0]!.diff).toMatchObject({ enabled: { from: false, to: true }, rolloutPercentage: { from: 10, to: 50 } });

      expect((await w.api.engineer.recordPost('FeatureFlag', flag.id, 'edit', { rolloutPercentage: '150' })).status).toBe(400);
      expect((await w.api.supportA.recordPost('FeatureFlag', flag.id, 'edit', { rolloutPercentage: '1' })).status).toBe(404);

      const r3 = rid('ff-delete');
      expect((await w.api.engineer.recordPost('FeatureFlag', flag.id, 'delete', {}, r3)).status).toBe(200);
      expect(await prisma().featureFlag.count({ where: { id: flag.id } })).toBe(0);
      expect((await eventsOf(prisma(), r3)).map((e) => e.action)).toEqual(['feature_flag.delete']);
    });

    it('creates, edits and deletes records through their domain service: <resource>.create|update|delete with a diff', async () => {
      const r1 = rid('asset-new');
      const created = await w.api.superadmin.resourcePost(
        'Asset',
        'new',
        {
          tenant: w.a.tenantId,
          name: 'Boat',
          type: 'VEHICLE',
          value: '9000.50',
          currency: 'EUR',
          valuedAt: '2026-03-01T00:00:00Z',
        },
        r1,
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const asset = await prisma().asset.findFirstOrThrow({ where: { tenantId: w.a.tenantId, name: 'Boat' } });
      const e1 = await eventsOf(prisma(), r1);
      expect(e1.map((e) => [e.action, e.outcome, e.tenantId])).toEqual([['asset.create', 'SUCCESS', w.a.tenantId]]);
      expect(e1[0]!.diff).toMatchObject({ value: { from: null, to: '9000.5' } });

      const r2 = rid('asset-edit');
      expect((await w.api.superadmin.recordPost('Asset', asset.id, 'edit', { value: '8500.00', name: 'Boat' }, r2)).status).toBe(
        200,
      );
      const e2 = await eventsOf(prisma(), r2);
      expect(e2.map((e) => e.action)).toEqual(['asset.update']);
      expect(e2[0]!.diff).toEqual({ value: { from: '9000.5', to: '8500' } });
      expect((await w.api.superadmin.recordPost('Asset', asset.id, 'edit', { value: '1.234' })).status).toBe(400);

      const r3 = rid('asset-delete');
      expect((await w.api.superadmin.recordPost('Asset', asset.id, 'delete', {}, r3)).status).toBe(200);
      expect(await prisma().asset.count({ where: { id: asset.id } })).toBe(0);
      expect((await eventsOf(prisma(), r3)).map((e) => [e.action, e.outcome])).toEqual([['asset.delete', 'SUCCESS']]);
    });

    it('bulk-deletes flags through their service, in one transaction, each audited with its last state', async () => {
      const flags = await Promise.all(
        ['bulk-a', 'bulk-b', 'bulk-c'].map((key) => prisma().featureFlag.create({ data: { key } })),
      );
      const r = rid('bulk');
      const res = await w.api.superadmin.bulk(
        'FeatureFlag',
        'bulkDelete',
        flags.map((f) => f.id),
        'post',
        r,
      );
      expect(res.status).toBe(200);
      expect(await prisma().featureFlag.count({ where: { key: { startsWith: 'bulk-' } } })).toBe(0);
      const events = await eventsOf(prisma(), r);
      expect(events.map((e) => e.action)).toEqual(['feature_flag.delete', 'feature_flag.delete', 'feature_flag.delete']);
      expect(events.map((e) => e.recordId).sort()).toEqual(flags.map((f) => f.id).sort());
    });

    it('creates accounts for a tenant as superadmin; a conflict is a 409 recorded as FAILURE', async () => {
      const r = rid('acc-new');
      const res = await w.api.superadmin.resourcePost(
        'Account',
        'new',
        { tenant: w.b.tenantId, name: 'Savings', type: 'INVESTMENT', currency: 'EUR' },
        r,
      );
      expect(res.status).toBe(200);
      expect(await outcomes(r)).toEqual([['account.create', 'SUCCESS']]);
      expect(await prisma().account.count({ where: { tenantId: w.b.tenantId, name: 'Savings' } })).toBe(1);
      // An account with transactions cannot be deleted (the ledger is append-only): 409, audited as a failure.
      const r2 = rid('acc-del');
      const del = await w.api.superadmin.recordPost('Account', w.b.accountId, 'delete', {}, r2);
      expect(del.status, JSON.stringify(del.body)).toBe(409);
      expect(await outcomes(r2)).toEqual([['account.delete', 'FAILURE']]);
      expect(
        (
          await w.api.superadmin.resourcePost('Account', 'new', {
            tenant: w.b.tenantId,
            name: 'Bad',
            type: 'CASH',
            currency: 'XXX',
          })
        ).status,
      ).toBe(400);
    });

    it('creates tenants, users and staff through their domain services (password policy applies)', async () => {
      const t = await w.api.superadmin.resourcePost('Tenant', 'new', {
        slug: 'charlie-household',
        name: 'Charlie',
        baseCurrency: 'USD',
      });
      expect(t.status).toBe(200);
      const tenant = await prisma().tenant.findUniqueOrThrow({ where: { slug: 'charlie-household' } });
      expect(await prisma().category.count({ where: { tenantId: tenant.id } })).toBeGreaterThan(0);
      const weak = await w.api.superadmin.resourcePost('User', 'new', {
        tenantId: tenant.id,
        email: 'c@example.test',
        password: 'short',
      });
      expect(weak.status).toBe(400);
      const user = await w.api.superadmin.resourcePost('User', 'new', {
        tenantId: tenant.id,
        email: 'c@example.test',
        name: 'Charlie Owner',
        password: 'a-Long-enough-passphrase-9',
      });
      expect(user.status).toBe(200);
      expect(JSON.stringify(user.body)).not.toContain('argon2');
      const staff = await w.api.superadmin.resourcePost('StaffUser', 'new', {
        email: 'new.support@staff.test',
        role: 'SUPPORT',
        password: 'another-Long-passphrase-7',
      });
      expect(staff.status).toBe(200);
      expect(await prisma().staffUser.count({ where: { email: 'new.support@staff.test' } })).toBe(1);
      expect(
        (
          await w.api.supportA.resourcePost('StaffUser', 'new', {
            email: 'x@staff.test',
            role: 'SUPERADMIN',
            password: 'another-Long-passphrase-7',
          })
        ).status,
      ).toBe(403);
    });

    it("ends a staff member's sessions when their role changes", async () => {
      const member = await w.h.f.staff('ENGINEER');
      const before = await prisma().staffUser.findUniqueOrThrow({ where: { id: member.id } });
      const r = rid('staff-role');
      expect((await w.api.superadmin.recordPost('StaffUser', member.id, 'edit', { role: 'COMPLIANCE' }, r)).status).toBe(200);
      const after = await prisma().staffUser.findUniqueOrThrow({ where: { id: member.id } });
      expect(after.role).toBe('COMPLIANCE');
      expect(after.sessionVersion).toBe(before.sessionVersion + 1);
      expect(await outcomes(r)).toEqual([['staff.update', 'SUCCESS']]);
      // Nobody changes their own role.
      expect((await w.api.superadmin.recordPost('StaffUser', w.staff.superadmin.id, 'edit', { role: 'SUPPORT' })).status).toBe(
        403,
      );
    });

    it('requeues a failed outbox event through the outbox service; events are never edited', async () => {
      const event = await prisma().outboxEvent.create({
        data: { tenantId: w.b.tenantId, type: 'mail.send', payload: {}, status: 'FAILED', attempts: 8, lastError: 'SMTP down' },
      });
      // The generic edit is gone: refused and audited, the row unchanged.
      const edit = await w.api.superadmin.recordPost('OutboxEvent', event.id, 'edit', { status: 'DISPATCHED' });
      expect(edit.status).toBe(403);
      expect((await prisma().outboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe('FAILED');
      const r = rid('requeue');
      const res = await w.api.superadmin.recordPost('OutboxEvent', event.id, 'requeue', { reason: 'SMTP is back' }, r);
      expect(res.status).toBe(200);
      const after = await prisma().outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
      expect([after.status, after.attempts]).toEqual(['PENDING', 0]);
      expect(await outcomes(r)).toEqual([['outbox_event.requeue', 'SUCCESS']]);
      // A pending event cannot be requeued: 409, audited as a failure, nothing changed.
      const r2 = rid('requeue-again');
      expect((await w.api.superadmin.recordPost('OutboxEvent', event.id, 'requeue', {}, r2)).status).toBe(409);
      expect(await outcomes(r2)).toEqual([['outbox_event.requeue', 'FAILURE']]);
    });

    it('disables a staff member through the staff service', async () => {
      const member = await w.h.f.staff('SUPPORT');
      const r = rid('disable');
      expect(
        (await w.api.superadmin.recordPost('StaffUser', member.id, 'disable', { reason: 'Left the company' }, r)).status,
      ).toBe(200);
      expect((await prisma().staffUser.findUniqueOrThrow({ where: { id: member.id } })).status).toBe('DISABLED');
      expect(await outcomes(r)).toEqual([['staff.disable', 'SUCCESS']]);
      expect((await w.api.compliance.recordPost('StaffUser', member.id, 'enable', { reason: 'Not allowed' })).status).toBe(403);
    });
  });

  describe('audit verification and exports', () => {
    it('verifies the audit chain for compliance (recorded), refuses support', async () => {
      const r = rid('verify');
      const res = await w.api.compliance.resourcePost('AuditEvent', 'verify', {}, r);
      expect(res.status).toBe(200);
      expect(res.body.result.status).toBe('intact');
      expect((await outcomes(r)).map((e) => e[0])).toContain('audit.verify');
      expect((await w.api.supportA.resourcePost('AuditEvent', 'verify', {})).status).toBe(403);
    });

    it('starts an export for an engineer (reason required, audited); support may not start one for tenant B', async () => {
      const r = rid('export');
      const res = await w.api.engineer.resourcePost(
        'ExportJob',
        'startExport',
        { resource: 'Transaction', format: 'CSV', tenantId: w.a.tenantId, reason: 'Analysis ticket 12' },
        r,
      );
      expect(res.status).toBe(200);
      const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: res.body.record.id } });
      expect(job).toMatchObject({ resource: 'Transaction', format: 'CSV', tenantId: w.a.tenantId });
      expect(await outcomes(r)).toContainEqual(['export.start', 'SUCCESS']);
      expect(
        (
          await w.api.engineer.resourcePost('ExportJob', 'startExport', {
            resource: 'Transaction',
            format: 'CSV',
            tenantId: w.a.tenantId,
          })
        ).status,
      ).toBe(400);
      const denied = await w.api.supportA.resourcePost('ExportJob', 'startExport', {
        resource: 'Transaction',
        format: 'CSV',
        tenantId: w.b.tenantId,
        reason: 'Not mine',
      });
      expect([403, 404]).toContain(denied.status);
    });
  });
});

describe('export download route', () => {
  let w: World;
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => w.close());

  it('streams a finished export to an engineer (audited), and refuses support (404, audited DENIED)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-download-'));
    const file = join(dir, 'tx.csv');
    writeFileSync(file, 'id,amount\n1,2.50\n');
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const job = await w.h.t.owner.prisma.exportJob.create({
      data: {
        tenantId: w.a.tenantId,
        requestedByType: 'STAFF',
        requestedById: w.staff.engineer.id,
        resource: 'Transaction',
        format: 'CSV',
        reason: 'Analysis',
        status: 'COMPLETED',
        filePath: file,
        sha256,
        rowsDone: 1,
        rowsTotal: 1,
        manifest: { scope: { tenantIds: [w.a.tenantId] } },
      },
    });
    const appFor = (staff: { id: string; email: string }, role: string) => {
      const app = express();
      app.use(requestId);
      app.use((req, _res, next) => {
        const adminUser = { id: staff.id, email: staff.email, name: 'x', role, locale: 'en', sessionVersion: 1 } as never;
        // What the session guard does for every admin request (admin/auth/staff-session.ts).
        attachRequestMeta(adminUser, { correlationId: req.id as string });
        (req as unknown as { session: unknown }).session = { adminUser };
        next();
      });
      app.post(`/admin${EXPORT_DOWNLOAD_PATH}`, exportDownloadRoute(w.h.t.services));
      app.use(errorHandler);
      return app;
    };
    const r = rid('download');
    const ok = await request(appFor(w.staff.engineer, 'ENGINEER'))
      .post(`/admin/exports/${job.id}/download`)
      .set('X-Request-Id', r);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('id,amount\n1,2.50\n');
    expect(ok.headers['x-content-sha256']).toBe(sha256);
    expect((await eventsOf(w.h.t.owner.prisma, r)).map((e) => [e.action, e.outcome])).toEqual([['export.download', 'SUCCESS']]);

    const r2 = rid('download-denied');
    const denied = await request(appFor(w.staff.supportNone, 'SUPPORT'))
      .post(`/admin/exports/${job.id}/download`)
      .set('X-Request-Id', r2);
    expect(denied.status).toBe(404);
    expect(denied.text).not.toContain('amount');
    expect((await eventsOf(w.h.t.owner.prisma, r2)).map((e) => [e.action, e.outcome])).toEqual([['export.download', 'DENIED']]);
  });
});
