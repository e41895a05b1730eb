import type { ResourceWithOptions } from 'adminjs';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { Runtime } from '../../src/runtime.js';
import type { Services } from '../../src/services.js';
import { auditActions, exportActions, outboxActions } from '../actions/operations.actions.js';
import { tenantActions, transactionActions, userActions } from '../actions/customer.actions.js';
import { accountViewActions, tenantViewActions, transactionViewActions } from '../actions/customer-view.actions.js';
import { approvalRequestActions } from '../actions/approval.actions.js';
import { defaultActions } from '../actions/default-actions.js';
import { grantActions, staffActions } from '../actions/staff.actions.js';
import { ScopedResource } from '../adapter/scoped-resource.js';
import { RESOURCE_DEFINITIONS, virtualProperties } from './definitions.js';
import { modelWrites, withoutSecrets } from './writes.js';

/** A resource's custom actions over its stock ones: a custom `show` only changes what it names. */
function mergeActions(stock: Record<string, object>, custom: Record<string, unknown>): Record<string, object> {
  const out = { ...stock };
  for (const [name, action] of Object.entries(custom)) out[name] = { ...(stock[name] ?? {}), ...(action as object) };
  return out;
}

/** The custom actions of each resource (the rest have only the stock ones). */
function customActions(model: AdminModel, services: Services) {
  const byModel: Partial<Record<AdminModel, (s: Services) => Record<string, unknown>>> = {
    Tenant: (s) => ({ ...tenantViewActions(s), ...tenantActions(s) }),
    User: userActions,
    Account: accountViewActions,
    Transaction: (s) => ({ ...transactionViewActions(s), ...transactionActions(s) }),
    TenantAccessGrant: grantActions,
    StaffUser: staffActions,
    AuditEvent: auditActions,
    ExportJob: exportActions,
    OutboxEvent: outboxActions,
    ApprovalRequest: approvalRequestActions,
  };
  return byModel[model]?.(services) ?? {};
}

/**
 * The admin's resources (SPEC §2), for `new AdminJS({ resources })`. Every one reads and writes
 * through the scoped admin record service or a domain service with the signed-in staff member's
 * ability in the query; see admin/adapter/scoped-resource.ts.
 */
export function buildAdminResources(runtime: Pick<Runtime, 'prisma'>, services: Services): ResourceWithOptions[] {
  const writes = modelWrites(services);
  return RESOURCE_DEFINITIONS.map((def) => {
    const w = writes[def.model];
    return {
      resource: new ScopedResource({
        model: def.model,
        runtime,
        services,
        create: w?.create ? async (ctx, input) => withoutSecrets(await w.create!.run(ctx, input)) : undefined,
        update: w?.update ? async (ctx, id, input) => withoutSecrets(await w.update!.run(ctx, id, input)) : undefined,
        delete: w?.remove,
        bulkDelete: w?.removeMany,
        updateFields: w?.update?.fields,
        virtual: virtualProperties(def.model),
      }),
      options: {
        ...def.options,
        actions: mergeActions(
          defaultActions(services, def.model, {
            createdByService: !!w?.create,
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
