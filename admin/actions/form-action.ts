import {
  flat,
  type Action,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type BaseRecord,
  type CurrentAdmin,
  type RecordActionResponse,
} from 'adminjs';
import type { ServiceContext } from '../../src/lib/context.js';
import { translate } from '../../src/lib/i18n.js';
import { ScopedResource } from '../adapter/scoped-resource.js';
import { callService } from '../adapter/errors.js';
import { isHeldForApproval } from '../../src/modules/approvals/approval.held.js';
import { ResourceComponents } from '../components/index.js';
import type { Services } from '../../src/services.js';

/** A field of a custom action's form (rendered by admin/components/ActionForm.tsx). */
export interface FormField {
  name: string;
  type: 'text' | 'textarea' | 'select' | 'datetime' | 'decimal' | 'reference' | 'password';
  required?: boolean;
  options?: readonly string[];
  reference?: string;
}

export const reasonField = (required = true): FormField => ({ name: 'reason', type: 'textarea', required });

/** What a form action's service call may return to be shown afterwards. */
export interface FormActionResult {
  /** Id of the record to show afterwards (defaults to the acted-on record). */
  recordId?: string;
  /** JSON-safe outcome shown by the form (e.g. a verification result). */
  result?: unknown;
  /** Where to go next (defaults to the record's show page). */
  redirectUrl?: string;
  /** Show this record afterwards (of another resource than the acted-on one). */
  showRecord?: { resourceId: string; recordId: string };
  /** A notice other than the success message (e.g. a verification that found a break). */
  notice?: { message: string; type: 'success' | 'error' | 'info'; params?: Record<string, unknown> };
}

export interface FormActionSpec {
  name: string;
  actionType: 'record' | 'resource';
  icon?: string;
  variant?: 'danger' | 'primary' | 'default' | 'success' | 'info';
  fields: FormField[];
  /** Offer the action in the UI (role and record state); the service decides for real. */
  isVisible?: (currentAdmin: CurrentAdmin | undefined, record?: BaseRecord) => boolean;
  /** The domain service call, audited by the service (DENIED when refused). */
  run: (
    ctx: ServiceContext,
    input: { recordId: string | undefined; payload: Record<string, unknown> },
  ) => Promise<FormActionResult | void>;
  /** Message key shown on success (translated under `messages`). */
  successMessage: string;
  /** Open over the list (keeping its filters in the URL) rather than as a page of its own. */
  showInDrawer?: boolean;
  /** Send the list's current filters (`filters.*` of the URL) as the `listFilters` field (JSON). */
  withListFilters?: boolean;
  /** Properties of the record shown above the form (e.g. the original amount and currency). */
  summary?: readonly string[];
}

const scopedResource = (context: ActionContext): ScopedResource => {
  if (!(context.resource instanceof ScopedResource)) throw new Error('form actions run on scoped resources only');
  return context.resource;
};

/**
 * A custom AdminJS action with a form: GET returns the record (for the form), POST calls one
 * domain service with the signed-in staff member's context and returns the refreshed record.
 * Errors are AppErrors (the admin's one error shape: 400/403/404/409).
 */
export function formAction(services: Services, spec: FormActionSpec): Action<ActionResponse> {
  return {
    name: spec.name,
    actionType: spec.actionType,
    icon: spec.icon,
    variant: spec.variant ?? 'default',
    component: ResourceComponents.ActionForm,
    custom: { fields: spec.fields, withListFilters: spec.withListFilters === true, summary: spec.summary ?? [] },
    showInDrawer: spec.showInDrawer ?? spec.actionType === 'record',
    isAccessible: true,
    isVisible: ({ currentAdmin, record }) => (spec.isVisible ? spec.isVisible(currentAdmin, record) : true),
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const resource = scopedResource(context);
      const { record, currentAdmin, h } = context;
      if (request.method === 'get') return record ? { record: record.toJSON(currentAdmin) } : {};
      const ctx = await resource.serviceContext(context);
      const payload = flat.unflatten(request.payload ?? {}) as Record<string, unknown>;
      const outcome =
        (await callService(() => spec.run(ctx, { recordId: record ? String(record.id()) : undefined, payload })).catch(
          (err: unknown) => {
            // Four-eyes: the change waits for a second person. Success notice "sent for approval",
            // and the approval request's page (its link) next.
            if (!isHeldForApproval(err)) throw err;
            const held: FormActionResult = {
              notice: { message: 'sentForApproval', type: 'success', params: { id: err.request.id } },
              redirectUrl: h.recordActionUrl({ resourceId: 'ApprovalRequest', recordId: err.request.id, actionName: 'show' }),
            };
            return held;
          },
        )) ?? {};
      const id = outcome.recordId ?? (record ? String(record.id()) : undefined);
      const row = id ? await services.adminRecords.findOne(ctx, resource.modelName, id) : null;
      const shown = row ? resource.recordFromRow(row, ctx) : record;
      const response: RecordActionResponse & { result?: unknown } = {
        record: shown ? shown.toJSON(currentAdmin) : ({} as RecordActionResponse['record']),
        // The key is translated by AdminJS when its locale has it; the server's own translation of
        // locales/<lng>/admin-resources.json is the fallback (in the staff member's language).
        notice: outcome.notice
          ? {
              message: outcome.notice.message,
              type: outcome.notice.type,
              options: {
                ...outcome.notice.params,
                defaultValue: translate(ctx.locale, `admin-resources:messages.${outcome.notice.message}`, outcome.notice.params),
              },
            }
          : {
              message: spec.successMessage,
              type: 'success',
              options: { defaultValue: translate(ctx.locale, `admin-resources:messages.${spec.successMessage}`) },
            },
        redirectUrl:
          outcome.redirectUrl ??
          (outcome.showRecord ? h.recordActionUrl({ ...outcome.showRecord, actionName: 'show' }) : undefined) ??
          (id
            ? h.recordActionUrl({ resourceId: resource.id(), recordId: id, actionName: 'show' })
            : h.resourceUrl({ resourceId: resource.id() })),
      };
      if (outcome.result !== undefined) response.result = outcome.result;
      return response;
    },
  };
}

/** A string field of a payload (empty → undefined). */
export const text = (payload: Record<string, unknown>, name: string): string | undefined => {
  const value = payload[name];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
};
