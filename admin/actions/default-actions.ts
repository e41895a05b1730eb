import type { Action, ActionContext, ActionRequest, ActionResponse, ListActionResponse, RecordJSON } from 'adminjs';
import { COUNT_CAP, maxPageFor } from '../../src/modules/admin-records/admin-records.schemas.js';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { Services } from '../../src/services.js';
import { ScopedResource } from '../adapter/scoped-resource.js';
import { ResourceComponents } from '../components/index.js';
import type { FormField } from './form-action.js';
import { roleCan, roleOf } from './roles.js';

type Actions = Record<string, Partial<Action<ActionResponse>>>;

/**
 * A list row names each referenced record by its title and links it when the staff member may
 * show it (overrides/ReferenceValue.tsx): that is all a row carries of it. AdminJS would send
 * every referenced record whole, with all its actions — five sixths of a Transaction page's JSON
 * (issue 17: 65 KB for ten rows, serialised and compressed on every list GET).
 */
export function withSlimReferences(record: RecordJSON): RecordJSON {
  const populated: RecordJSON['populated'] = {};
  for (const [path, ref] of Object.entries(record.populated ?? {})) {
    if (!ref) continue;
    populated[path] = {
      id: ref.id,
      title: ref.title,
      params: { id: ref.id },
      populated: {},
      baseError: null,
      errors: {},
      recordActions: (ref.recordActions ?? []).filter((a) => a.name === 'show'),
      bulkActions: [],
    };
  }
  return { ...record, populated };
}

export interface DefaultActionOptions {
  /** A domain service creates the rows (the resource was built with a create handler). */
  createdByService?: boolean;
  /** A domain service changes the rows (edit). */
  editedByService?: boolean;
  /** A domain service deletes the rows (delete, bulk delete). */
  deletedByService?: boolean;
  /** Fields of the `new` form when it is not the stock one (e.g. a password). */
  newForm?: FormField[];
  /** Roles that may read the model but should not see it in the navigation. */
  hiddenFor?: ReadonlyArray<'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER'>;
}

const scoped = (context: ActionContext): ScopedResource => {
  if (!(context.resource instanceof ScopedResource)) throw new Error('scoped resources only');
  return context.resource;
};

/** An action the admin does not offer on this model: the service refuses it (403, audited DENIED). */
function refused(services: Services, model: AdminModel, operation: string): Partial<Action<ActionResponse>> {
  return {
    isVisible: false,
    isAccessible: true,
    before: async (request: ActionRequest, context: ActionContext) => {
      const ctx = await scoped(context).serviceContext(context);
      const recordId = context.record ? String(context.record.id()) : (request.params.recordId ?? null);
      throw await services.adminRecords.refuse(ctx, model, operation, recordId);
    },
  };
}

/**
 * The stock actions of a resource, wired to the scoped adapter: the list pages within a
 * 10,000-row window and shows a capped total; new/edit/delete exist only where the model's domain
 * service offers them (admin/resources/writes.ts; otherwise they are refused, audited); bulk
 * delete is one transaction with one audit event. Visibility follows the role; the services decide per record.
 */
export function defaultActions(services: Services, model: AdminModel, options: DefaultActionOptions = {}): Actions {
  const readable = ({ currentAdmin }: { currentAdmin?: ActionContext['currentAdmin'] }) =>
    roleCan(currentAdmin, 'read', model) && !(options.hiddenFor ?? []).includes(roleOf(currentAdmin)!);
  const actions: Actions = {
    list: {
      component: ResourceComponents.CappedList,
      isAccessible: true,
      isVisible: readable,
      before: (request: ActionRequest, context: ActionContext) => {
        // No deep OFFSET: the page is clamped so that the offset stays within the list window.
        const perPage = Math.min(Number(request.query?.perPage) || (context._admin.options.settings?.defaultPerPage ?? 10), 500);
        const maxPage = maxPageFor(perPage);
        if ((Number(request.query?.page) || 1) > maxPage) request.query = { ...request.query, page: String(maxPage) };
        return Promise.resolve(request);
      },
      after: (response: ActionResponse) => {
        const list = response as ListActionResponse;
        list.records = list.records?.map(withSlimReferences);
        if (list.meta) {
          const meta = list.meta as ListActionResponse['meta'] & { totalCapped?: boolean; maxPage?: number; countCap?: number };
          meta.totalCapped = meta.total > COUNT_CAP;
          meta.countCap = COUNT_CAP;
          meta.maxPage = maxPageFor(meta.perPage || 10);
        }
        return Promise.resolve(response);
      },
    },
    search: { isAccessible: true },
    show: { isAccessible: true, isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'read', model) },
  };

  // AdminJS's form handlers expect arrays for list properties (`tenantIds.0=...`); a single
  // value sent as `tenantIds=...` would crash them, so it becomes a one-element list first.
  const normaliseArrays = (request: ActionRequest, context: ActionContext): Promise<ActionRequest> => {
    if (request.method !== 'post' || !request.payload) return Promise.resolve(request);
    const payload = { ...request.payload };
    for (const property of context.resource.properties())
      if (property.isArray() && typeof payload[property.path()] === 'string')
        payload[property.path()] = [payload[property.path()]];
    return Promise.resolve({ ...request, payload });
  };

  const creatable = options.createdByService === true;
  actions.new = creatable
    ? {
        isAccessible: true,
        isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'create', model),
        before: normaliseArrays,
        ...(options.newForm ? { component: ResourceComponents.ActionForm, custom: { fields: options.newForm } } : {}),
      }
    : refused(services, model, 'new');

  actions.edit = options.editedByService
    ? { isAccessible: true, isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'update', model), before: normaliseArrays }
    : refused(services, model, 'edit');

  if (options.deletedByService) {
    actions.delete = { isAccessible: true, isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'delete', model) };
    actions.bulkDelete = {
      isAccessible: true,
      isVisible: ({ currentAdmin }) => roleCan(currentAdmin, 'delete', model),
      handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
        const { records = [], currentAdmin, h } = context;
        const json = records.map((r) => r.toJSON(currentAdmin));
        if (request.method === 'get') return { records: json };
        const ids = String((request.query as { recordIds?: string } | undefined)?.recordIds ?? '')
          .split(',')
          .filter(Boolean);
        await scoped(context).bulkDelete(ids, context);
        return {
          records: json,
          notice: {
            message: records.length > 1 ? 'successfullyBulkDeleted_plural' : 'successfullyBulkDeleted',
            options: { count: records.length },
            type: 'success',
          },
          redirectUrl: h.resourceUrl({ resourceId: model }),
        };
      },
    };
  } else {
    actions.delete = refused(services, model, 'delete');
    actions.bulkDelete = refused(services, model, 'bulkDelete');
  }
  return actions;
}
