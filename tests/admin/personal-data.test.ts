import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, eventsOf, type World } from './resources.helpers.js';

let w: World;
const prisma = () => w.h.t.owner.prisma;
const rid = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  w = await buildWorld();
});
afterAll(async () => w?.close());

describe('slugs carry no personal data', () => {
  it('gives a self-registered household an opaque slug, and no audit event names it', async () => {
    const householdName = 'The Zyxwvut household';
    const res = await request(w.h.app).post('/api/v1/auth/register').set('Idempotency-Key', rid('register')).send({
      email: 'owner.zyxwvut@example.com',
      password: 'correct-Horse-battery-42',
      name: 'Ana Zyxwvut',
      tenant_name: householdName,
    });
    expect(res.status).toBe(201);
    const tenant = await prisma().tenant.findFirstOrThrow({ where: { name: householdName } });
    expect(tenant.slug).toMatch(/^hh-[0-9a-f]{12}$/);
    const events = await prisma().auditEvent.findMany({ where: { tenantId: tenant.id } });
    expect(events.map((e) => e.action)).toContain('user.register');
    const trail = JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).toLowerCase();
    expect(trail).not.toContain('zyxwvut');
  });

  it('creates tenants through the service with a random slug when none is given, and keeps a given one', async () => {
    const ctx = await w.h.f.staffCtx({ id: w.staff.superadmin.id, role: 'SUPERADMIN', locale: 'en' });
    const created = await w.h.t.services.tenants.create(ctx, { name: 'Qwertz family' });
    expect(created.slug).toMatch(/^hh-[0-9a-f]{12}$/);
    const chosen = await w.h.t.services.tenants.create(ctx, {
      name: 'Chosen family',
      slug: 'acct-000123',
    });
    expect(chosen.slug).toBe('acct-000123');
    const event = await prisma().auditEvent.findFirstOrThrow({ where: { action: 'tenant.create', recordId: created.id } });
    expect(JSON.stringify(event.diff).toLowerCase()).not.toContain('qwertz');
  });
});

describe('household names are personal data: masked for compliance and engineers unless revealed', () => {
  it('masks tenant names in lists, show pages and references for COMPLIANCE and ENGINEER, not for support or superadmin', async () => {
    for (const role of ['compliance', 'engineer'] as const) {
      const show = await w.api[role].record('Tenant', w.a.tenantId, 'show');
      expect(show.status, role).toBe(200);
      expect(show.body.record.params.name, role).toBe('A•••');
      const list = await w.api[role].list('Tenant', { perPage: 100 });
      const names = list.body.records.map((r: { params: { name: string } }) => r.params.name);
      expect(names, role).not.toContain('Alpha');
      expect(names, role).not.toContain('Bravo');
      // Nor searchable by name (an oracle), nor readable through a reference title.
      const search = await w.api[role].search('Tenant', 'Alpha');
      expect(JSON.stringify(search.body), role).not.toContain('Alpha');
    }
    const accounts = await w.api.compliance.list('Account', { perPage: 100 });
    expect(JSON.stringify(accounts.body)).not.toMatch(/"Alpha"|"Bravo"/);
    expect((await w.api.supportA.record('Tenant', w.a.tenantId, 'show')).body.record.params.name).toBe('Alpha');
    expect((await w.api.superadmin.record('Tenant', w.b.tenantId, 'show')).body.record.params.name).toBe('Bravo');
  });

  it('lets a compliance officer reveal one household name with a reason (audited), and nobody else', async () => {
    const masked = await w.api.compliance.record('Tenant', w.b.tenantId, 'show');
    expect(masked.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('reveal');
    const r = rid('reveal-tenant');
    const res = await w.api.compliance.recordPost('Tenant', w.b.tenantId, 'reveal', { reason: 'Regulator request 12' }, r);
    expect(res.status).toBe(200);
    expect(res.body.record.params.name).toBe('Bravo');
    expect((await eventsOf(prisma(), r)).map((e) => [e.action, e.outcome, e.recordId, e.tenantId])).toEqual([
      ['personal_data.reveal', 'SUCCESS', w.b.tenantId, w.b.tenantId],
    ]);
    expect((await w.api.compliance.record('Tenant', w.a.tenantId, 'show')).body.record.params.name).toBe('A•••');
    const engineer = await w.api.engineer.recordPost('Tenant', w.a.tenantId, 'reveal', { reason: 'Curious engineer' });
    expect(engineer.status).toBe(403);
  });
});
