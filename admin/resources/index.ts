import type { ResourceWithOptions } from 'adminjs';
import { textOf } from '../../src/modules/admin-records/admin-records.coerce.js';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { Runtime } from '../../src/runtime.js';
import type { Services } from '../../src/services.js';
import { auditActions, exportActions } from '../actions/operations.actions.js';
import { tenantActions, transactionActions, userActions } from '../actions/customer.actions.js';
import { defaultActions } from '../actions/default-actions.js';
import { grantActions, staffActions } from '../actions/staff.actions.js';
import { ScopedResource, type CreateHandler, type DeleteHandler, type UpdateHandler } from '../adapter/scoped-resource.js';
import { RESOURCE_DEFINITIONS, virtualProperties } from './definitions.js';
import { modelWrites, withoutSecrets } from './writes.js';

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : textOf(v));

/** Rows that a domain service creates (password policy, default categories, grants). */
function createHandlers(services: Services): Partial<Record<AdminModel, CreateHandler>> {
  return {
    FeatureFlag: (ctx, input) => featureFlagHandlers(services).create(ctx, input),
    StaffUser: async (ctx, input) => {
      const {
        passwordHash: _hash,
        totpSecret: _totp,
        ...staff
      } = await services.staff.create(ctx, {
        email: str(input.email) ?? '',
        name: str(input.name),
        role: (str(input.role) ?? '') as 'SUPPORT',
        password: str(input.password) ?? '',
        ...(str(input.locale) ? { locale: str(input.locale) as 'en' | 'es' } : {}),
      });
      return staff;
    },
  };
}

const date = (v: unknown): Date | null | undefined =>
  v === undefined ? undefined : v === null || v === '' ? null : new Date(textOf(v));
const list = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map((x) => textOf(x)).filter((x) => x !== '');
const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === true || v === 'true');
const int = (v: unknown): number | undefined => (v === undefined || v === '' ? undefined : Number(textOf(v)));

/** Feature flags have their own service (key format, known tenants, window order). */
function featureFlagHandlers(services: Services) {
  const fields = (input: Record<string, unknown>) => ({
    description: input.description === undefined ? undefined : (str(input.description) ?? null),
    owner: input.owner === undefined ? undefined : (str(input.owner) ?? null),
    enabled: bool(input.enabled),
    rolloutPercentage: int(input.rolloutPercentage),
    tenantIds: list(input.tenantIds),
    startsAt: date(input.startsAt),
    endsAt: date(input.endsAt),
  });
  return {
    create: ((ctx, input) => services.featureFlags.create(ctx, { key: str(input.key) ?? '', ...fields(input) })) as CreateHandler,
    update: ((ctx, id, input) => services.featureFlags.update(ctx, { id, ...fields(input) })) as UpdateHandler,
    delete: ((ctx, id) => services.featureFlags.remove(ctx, { id })) as DeleteHandler,
  };
}

/** A resource's custom actions over its stock ones: a custom `show` only changes what it names. */
function mergeActions(stock: Record<string, object>, custom: Record<string, unknown>): Record<string, object> {
  const out = { ...stock };
  for (const [name, action] of Object.entries(custom)) out[name] = { ...(stock[name] ?? {}), ...(action as object) };
  return out;
}

/** The custom actions of each resource (the rest have only the stock ones). */
function customActions(model: AdminModel, services: Services) {
  const byModel: Partial<Record<AdminModel, (s: Services) => Record<string, unknown>>> = {
    Tenant: tenantActions,
    User: userActions,
    Transaction: transactionActions,
    TenantAccessGrant: grantActions,
    StaffUser: staffActions,
    AuditEvent: auditActions,
    ExportJob: exportActions,
  };
  return byModel[model]?.(services) ?? {};
}

/**
 * The admin's resources (SPEC §2), for `new AdminJS({ resources })`. Every one reads and writes
 * through the scoped admin record service or a domain service with the signed-in staff member's
 * ability in the query; see admin/adapter/scoped-resource.ts.
 */
export function buildAdminResources(runtime: Pick<Runtime, 'prisma'>, services: Services): ResourceWithOptions[] {
  const creators = createHandlers(services);
  const flags = featureFlagHandlers(services);
  const writes = modelWrites(services);
  return RESOURCE_DEFINITIONS.map((def) => {
    const w = writes[def.model];
    return {
      resource: new ScopedResource({
        model: def.model,
        runtime,
        services,
        create: w?.create ? async (ctx, input) => withoutSecrets(await w.create!.run(ctx, input)) : creators[def.model],
        update: w?.update ? async (ctx, id, input) => withoutSecrets(await w.update!.run(ctx, id, input)) : undefined,
        delete: w?.remove,
        bulkDelete: w?.removeMany,
        updateFields: w?.update?.fields,
        ...(def.model === 'FeatureFlag' ? { update: flags.update, delete: flags.delete } : {}),
        virtual: virtualProperties(def.model),
      }),
      options: {
        ...def.options,
        actions: mergeActions(
          defaultActions(services, def.model, {
            createdByService: def.createdByService || !!w?.create,
            editedByService: !!w?.update,
            deletedByService: !!w?.remove,
            newForm: def.newForm,
            hiddenFor: def.hiddenFor,
          }),
          customActions(def.model, services),
        ),
      },
    };
  });
}
