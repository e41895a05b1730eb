import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAdminBundle } from '../../admin/bundle/build.js';
import { createAdminJS } from '../../admin/index.js';
import { loadAdminTranslations } from '../../admin/i18n/index.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { createServices } from '../../src/services.js';
import { TEST_SECRETS } from '../helpers/db.js';

type Tree = Record<string, unknown>;
const load = (lng: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${lng}/admin.json`, import.meta.url), 'utf8')) as Tree;
const own = { en: load('en'), es: load('es') };
// What AdminJS receives: admin.json with the resources' own admin-resources.json over it.
const merged = loadAdminTranslations() as Record<string, Tree>;
const en = merged.en!;
const es = merged.es!;

function keys(tree: unknown, prefix = ''): string[] {
  if (!tree || typeof tree !== 'object') return [prefix];
  return Object.entries(tree as Tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
const get = (tree: Tree, path: string[]): unknown => path.reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);
/** AdminJS's lookup: resources.<id>.<section>.<key>, then <section>.<key>. */
const has = (tree: Tree, resourceId: string, section: string, key: string) =>
  typeof get(tree, ['resources', resourceId, section, ...key.split('.')]) === 'string' ||
  typeof get(tree, [section, ...key.split('.')]) === 'string';

const SPEC_RESOURCES = [
  'Tenant',
  'User',
  'Account',
  'Transaction',
  'Category',
  'Budget',
  'RecurringRule',
  'Asset',
  'Liability',
  'Loan',
  'StaffUser',
  'TenantAccessGrant',
  'AuditEvent',
  'ExportJob',
  'OutboxEvent',
  'FeatureFlag',
];
const BUILT_IN_ACTIONS = new Set(['list', 'search', 'show', 'new', 'edit', 'delete', 'bulkDelete']);

describe('admin translations (locales/en/admin.json, locales/es/admin.json)', () => {
  it('has the same keys in English and Spanish, and no empty text', () => {
    expect(keys(own.es).sort()).toEqual(keys(own.en).sort());
    expect(keys(es).sort()).toEqual(keys(en).sort());
    for (const tree of [en, es]) for (const k of keys(tree)) expect(String(get(tree, k.split('.'))).trim(), k).not.toBe('');
  });

  it('names every resource of the product, its navigation groups, properties and custom actions in both languages', async () => {
    const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/unused' });
    const secret = 'translation-test-placeholder-secret-0123456789';
    const runtime = createRuntime({
      config,
      secrets: {
        sessionSecret: secret,
        jwtSecret: secret,
        accountTokenKey: secret,
        auditSigningKey: TEST_SECRETS.auditSigningKey,
      },
      logger: createLogger('silent'),
      appUrl: config.DATABASE_URL!,
      ownerUrl: config.DATABASE_URL!,
    });
    try {
      const admin = createAdminJS(runtime, createServices(runtime));
      const ids = admin.resources.map((r) => r.decorate().id());
      for (const id of SPEC_RESOURCES) expect(ids, `resource ${id} in the admin`).toContain(id);
      const missing: string[] = [];
      for (const resource of admin.resources) {
        const decorated = resource.decorate();
        const id = decorated.id();
        const navigation = decorated.options.navigation as { name?: string } | null | undefined;
        for (const [lng, tree] of [
          ['en', en],
          ['es', es],
        ] as const) {
          if (!has(tree, id, 'labels', id)) missing.push(`${lng}: labels.${id}`);
          if (navigation?.name && !has(tree, id, 'labels', navigation.name)) missing.push(`${lng}: labels.${navigation.name}`);
          for (const where of ['list', 'show', 'edit', 'filter'] as const)
            for (const property of decorated.getProperties({ where }))
              if (!has(tree, id, 'properties', property.propertyPath))
                missing.push(`${lng}: ${id}.properties.${property.propertyPath}`);
          for (const action of Object.keys(decorated.actions))
            if (!BUILT_IN_ACTIONS.has(action) && !has(tree, id, 'actions', action))
              missing.push(`${lng}: ${id}.actions.${action}`);
        }
      }
      expect([...new Set(missing)]).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('translates the login page and every dashboard text in both languages', () => {
    for (const tree of [en, es]) {
      for (const key of [
        'heading',
        'email',
        'password',
        'submit',
        'messages.invalidCredentials',
        'messages.tooManyRequests',
        'messages.sessionEnded',
      ])
        expect(typeof get(tree, ['components', 'Login', ...key.split('.')]), key).toBe('string');
      for (const chart of [
        'tenantsByStatus',
        'signupsByWeek',
        'auditEventsByDay',
        'auditOutcomes24h',
        'exportJobsByStatus',
        'outboxByStatus',
        'staffByRole',
      ])
        expect(typeof get(tree, ['components', 'Dashboard', 'charts', chart]), chart).toBe('string');
    }
    expect(get(es, ['components', 'Dashboard', 'charts', 'tenantsByStatus'])).toBe('Clientes por estado');
  });
});

describe('ahead-of-time admin bundle', () => {
  it('builds the components bundle once and reuses it while nothing changes', async () => {
    const first = await buildAdminBundle('test');
    const second = await buildAdminBundle('test');
    expect(second.file).toBe(first.file);
    expect(second.reused).toBe(true);
    expect(second.buildMs).toBe(0);
    const content = readFileSync(first.file, 'utf8');
    for (const component of ['BackofficeDashboard', 'Login', 'SidebarFooter'])
      expect(content).toContain(`AdminJS.UserComponents.${component}`);
  });
});
