import type { Action, ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { ServiceContext } from '../../src/lib/context.js';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { Services } from '../../src/services.js';
import { callService } from '../adapter/errors.js';
import { ScopedResource } from '../adapter/scoped-resource.js';
import { ResourceComponents } from '../components/index.js';
import { roleCan, roleOf } from './roles.js';

const scoped = (context: ActionContext): ScopedResource => {
  if (!(context.resource instanceof ScopedResource)) throw new Error('scoped resources only');
  return context.resource;
};

/**
 * A hidden record action that answers a show page's customer view (GET only, never a button):
 * AdminJS has found the record within the ability first (missing or out of scope: 404, audited),
 * then the customer-view service reads the rest within the same ability.
 */
function overview(model: AdminModel, load: (ctx: ServiceContext, id: string) => Promise<unknown>): Action<ActionResponse> {
  return {
    name: 'overview',
    actionType: 'record',
    component: false,
    isVisible: false,
    isAccessible: ({ currentAdmin }) => roleCan(currentAdmin, 'read', model),
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const { record, currentAdmin } = context;
      const ctx = await scoped(context).serviceContext(context);
      const data = await callService(() => load(ctx, String(record!.id())));
      return { record: record!.toJSON(currentAdmin), overview: data };
    },
  };
}

/** Tenant: the customer page (users, accounts, transactions, grants, history) and the search box. */
export function tenantViewActions(services: Services): Record<string, Partial<Action<ActionResponse>>> {
  return {
    show: { component: ResourceComponents.TenantShow },
    overview: overview('Tenant', (ctx, id) => services.customerView.tenant(ctx, id)),
    find: {
      name: 'find',
      actionType: 'resource',
      icon: 'Search',
      component: ResourceComponents.TenantSearch,
      isAccessible: ({ currentAdmin }) => roleCan(currentAdmin, 'read', 'Tenant'),
      isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'read', 'Tenant') && roleOf(currentAdmin) !== 'ENGINEER',
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        const q = typeof request.query?.q === 'string' ? request.query.q : undefined;
        if (q === undefined) return { hits: [] };
        const ctx = await scoped(context).serviceContext(context);
        return { hits: await callService(() => services.customerView.searchTenants(ctx, { q }), { q }) };
      },
    },
  };
}

/** Account: its balance and newest transactions on its page. */
export function accountViewActions(services: Services): Record<string, Partial<Action<ActionResponse>>> {
  return {
    show: { component: ResourceComponents.AccountShow },
    overview: overview('Account', (ctx, id) => services.customerView.account(ctx, id)),
  };
}

/** Transaction: the corrections posted on it and the net effect on its page. */
export function transactionViewActions(services: Services): Record<string, Partial<Action<ActionResponse>>> {
  return {
    show: { component: ResourceComponents.TransactionShow },
    overview: overview('Transaction', (ctx, id) => services.customerView.transaction(ctx, id)),
  };
}
