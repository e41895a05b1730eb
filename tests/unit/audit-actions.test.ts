import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_EVENT_OPERATIONS,
  AUDIT_ACTIONS,
  auditActionChoices,
  auditActionLabelKey,
  isAuditAction,
} from '../../src/modules/audit/audit.actions.js';
import { buildEventContent } from '../../src/modules/audit/audit.service.js';
import { ADMIN_MODELS } from '../../src/modules/admin-records/admin-records.policy.js';
import { RESOURCE_DEFINITIONS } from '../../admin/resources/definitions.js';

const root = join(import.meta.dirname, '..', '..');
const labels = (lng: string) =>
  (
    JSON.parse(readFileSync(join(root, 'locales', lng, 'admin.json'), 'utf8')) as {
      components: { AuditAction: Record<string, unknown> };
    }
  ).components.AuditAction;

describe('the catalogue of audit actions (src/modules/audit/audit.actions.ts)', () => {
  it('names every action code once', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    // Label keys replace dots: no two codes may share one.
    expect(new Set(AUDIT_ACTIONS.map(auditActionLabelKey)).size).toBe(AUDIT_ACTIONS.length);
  });

  it('has a label for every code in English and in Spanish', () => {
    for (const lng of ['en', 'es']) {
      const tree = labels(lng);
      const missing = AUDIT_ACTIONS.filter(
        (code) => !(typeof tree[auditActionLabelKey(code)] === 'string' && tree[auditActionLabelKey(code)]),
      );
      expect(missing, `${lng}: codes without a label`).toEqual([]);
      const admin = tree.admin as Record<string, string>;
      for (const op of [...ADMIN_EVENT_OPERATIONS, 'other']) expect(admin[op], `${lng}: admin.${op}`).toMatch(/\{\{resource\}\}/);
    }
  });

  it('is what the compliance console offers as the action filter (a choice list, not free text)', () => {
    const audit = RESOURCE_DEFINITIONS.find((d) => d.model === 'AuditEvent')!;
    const action = audit.options.properties?.action as { availableValues: Array<{ value: string }>; custom: unknown };
    expect(action.availableValues.map((v) => v.value)).toEqual(auditActionChoices(ADMIN_MODELS));
    expect(action.custom).toEqual({ values: 'auditAction' });
    expect(action.availableValues.map((v) => v.value)).toEqual(expect.arrayContaining(['tenant.suspend', 'admin.User.show']));
  });

  it('admits the admin page events of a model and nothing that merely looks like a code', () => {
    expect(isAuditAction('admin.Tenant.list')).toBe(true);
    expect(isAuditAction('admin.Tenant.overview')).toBe(true);
    expect(isAuditAction('tenant.forged')).toBe(false);
    expect(isAuditAction('admin.tenant.list')).toBe(false);
    expect(isAuditAction('test.event')).toBe(false);
  });

  it('is the gate of record(): an event with a code outside it is refused before anything is written', () => {
    const event = { actorType: 'SYSTEM', actorId: 'test', actorRole: 'SYSTEM', tenantId: null } as const;
    expect(() => buildEventContent({ ...event, action: 'tenant.forged' }, new Date())).toThrow(/not in the catalogue/);
    expect(buildEventContent({ ...event, action: 'tenant.suspend' }, new Date()).action).toBe('tenant.suspend');
  });

  it('holds every action code written by name in src/ and admin/', () => {
    // `action: 'x.y'` and `const action = 'x.y'` (the ways the services name what they audit).
    const grep = (pattern: string) =>
      execFileSync('grep', ['-rhoE', pattern, 'src', 'admin', '--include=*.ts', '--include=*.tsx'], {
        cwd: root,
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean);
    const written = new Set(
      [...grep(`action: '[a-z][a-z_]*(\\.[a-z_]+)+'`), ...grep(`const action = '[a-z][a-z_]*(\\.[a-z_]+)+'`)].map(
        (m) => /'([^']+)'/.exec(m)![1]!,
      ),
    );
    expect(written.size).toBeGreaterThan(40);
    expect([...written].filter((code) => !isAuditAction(code))).toEqual([]);
    // The steps of an approval request, audited as `approval.<step>` (approval.service.ts).
    const approvals = readFileSync(join(root, 'src/modules/approvals/approval.service.ts'), 'utf8');
    const steps = [...approvals.matchAll(/(?:record\(s, \w+|refuse\(ctx), '([a-z_]+)'/g)].map((m) => `approval.${m[1]}`);
    expect(steps).toEqual(expect.arrayContaining(['approval.request', 'approval.remind']));
    expect(steps.filter((code) => !isAuditAction(code))).toEqual([]);
  });
});
