import type { Action, ActionResponse } from 'adminjs';
import type { RequestHandler } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Services } from '../../src/services.js';
import { serviceContextFor } from '../auth/context.js';
import { ResourceComponents } from '../components/index.js';
import { callService } from '../adapter/errors.js';
import { validation } from '../../src/lib/errors.js';
import { formAction, reasonField, text } from './form-action.js';
import { roleCan } from './roles.js';

/** AuditEvent: verify the hash chains (all, or one tenant's); recorded as an 'audit.verify' event. */
export function auditActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    verify: formAction(services, {
      name: 'verify',
      actionType: 'resource',
      icon: 'ShieldCheck',
      fields: [{ name: 'tenantId', type: 'reference', reference: 'Tenant' }],
      isVisible: (admin) => roleCan(admin, 'verify', 'AuditEvent'),
      run: async (ctx, { payload }) => {
        const tenantId = text(payload, 'tenantId');
        const result = await services.auditConsole.verify(ctx, tenantId ? { tenantId } : {});
        const first = result.breaks[0];
        return {
          result,
          redirectUrl: undefined,
          notice: first
            ? { message: 'auditBroken', type: 'error', params: { seq: first.seq, count: result.breaks.length } }
            : { message: 'auditVerified', type: 'success', params: { events: result.events, chains: result.chains } },
        };
      },
      successMessage: 'auditVerified',
    }),
    exportView: formAction(services, {
      name: 'exportView',
      actionType: 'resource',
      icon: 'Download',
      showInDrawer: true,
      withListFilters: true,
      fields: [{ name: 'format', type: 'select', required: true, options: ['CSV', 'NDJSON'] }, reasonField()],
      isVisible: (admin) => roleCan(admin, 'export', 'AuditEvent'),
      run: async (ctx, { payload }) => {
        const job = await services.exports.start(ctx, {
          resource: 'AuditEvent',
          format: text(payload, 'format') ?? '',
          filters: auditExportFilters(text(payload, 'listFilters')),
          reason: text(payload, 'reason') ?? '',
        });
        return { showRecord: { resourceId: 'ExportJob', recordId: job.id } };
      },
      successMessage: 'exportStarted',
    }),
  };
}

/** The audit list's filters (as in its URL) that an export applies, by the export's names. */
const AUDIT_FILTERS_FOR_EXPORT: Record<string, string> = {
  tenantId: 'tenantId',
  actorType: 'actorType',
  actorId: 'actorId',
  action: 'action',
  outcome: 'outcome',
  'occurredAt~~from': 'from',
  'occurredAt~~to': 'to',
  includeReads: 'includeReads',
};

/**
 * The export filters of the audit list's current view. A filter the export cannot apply is
 * refused (400, naming it) rather than dropped: the file must hold exactly the view.
 */
export function auditExportFilters(json: string | undefined): Record<string, string> {
  let parsed: unknown = {};
  try {
    parsed = json ? JSON.parse(json) : {};
  } catch {
    throw validation([{ field: 'listFilters', code: 'invalid', message: 'The list filters are not valid JSON' }]);
  }
  const out: Record<string, string> = {};
  const unsupported: string[] = [];
  for (const [key, value] of Object.entries(parsed && typeof parsed === 'object' ? parsed : {})) {
    if (typeof value !== 'string' || value === '') continue;
    const name = AUDIT_FILTERS_FOR_EXPORT[key];
    if (name) out[name] = value;
    else unsupported.push(key);
  }
  if (unsupported.length)
    throw validation(
      unsupported.map((field) => ({ field, code: 'not_permitted', message: `The export cannot apply the ${field} filter` })),
    );
  // The list leaves page views out unless asked for them: so does the file of its view.
  out.includeReads = out.includeReads === 'true' ? 'true' : 'false';
  return out;
}

export const EXPORT_RESOURCES = [
  'TenantBundle',
  'Tenant',
  'User',
  'Account',
  'Category',
  'Transaction',
  'Budget',
  'RecurringRule',
  'Asset',
  'Liability',
  'Loan',
  'AuditEvent',
] as const;

/** Path (under the admin root) that streams a finished export: see exportDownloadRoute. */
export const EXPORT_DOWNLOAD_PATH = '/exports/:id/download';

/** ExportJob: start an export (reason required) and download a finished one. */
export function exportActions(services: Services): Record<string, Partial<Action<ActionResponse>>> {
  return {
    startExport: formAction(services, {
      name: 'startExport',
      actionType: 'resource',
      icon: 'Download',
      fields: [
        { name: 'resource', type: 'select', required: true, options: EXPORT_RESOURCES },
        // BUNDLE: the audit trail as a bundle an auditor verifies offline (AuditEvent only).
        { name: 'format', type: 'select', required: true, options: ['JSON', 'CSV', 'NDJSON', 'BUNDLE'] },
        { name: 'tenantId', type: 'reference', reference: 'Tenant' },
        { name: 'from', type: 'datetime' },
        { name: 'to', type: 'datetime' },
        reasonField(),
      ],
      isVisible: (admin) => roleCan(admin, 'create', 'ExportJob'),
      run: async (ctx, { payload }) => {
        const from = text(payload, 'from');
        const to = text(payload, 'to');
        const tenantId = text(payload, 'tenantId');
        const job = await services.exports.start(ctx, {
          resource: (text(payload, 'resource') ?? '') as (typeof EXPORT_RESOURCES)[number],
          format: text(payload, 'format') ?? '',
          ...(tenantId ? { tenantId } : {}),
          filters: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
          reason: text(payload, 'reason') ?? '',
        });
        return { recordId: job.id };
      },
      successMessage: 'exportStarted',
    }),
    // The job's page follows its progress and leads to the download when it is done.
    show: { component: ResourceComponents.ExportJobShow },
    download: {
      name: 'download',
      actionType: 'record',
      icon: 'Download',
      component: ResourceComponents.DownloadLink,
      showInDrawer: true,
      isAccessible: true,
      isVisible: ({ currentAdmin, record }) =>
        roleCan(currentAdmin, 'download', 'ExportJob') && record?.params.status === 'COMPLETED',
      // The file itself streams from exportDownloadRoute (audited there); this shows the link.
      handler: (_request, _response, context) => Promise.resolve({ record: context.record!.toJSON(context.currentAdmin) }),
    },
  };
}

/**
 * Streams a finished export to an authorised staff member (`POST <admin root>/exports/:id/download`,
 * mounted behind the staff session guard). The export service checks the rights, audits the
 * download (DENIED when refused) and hands back a file stream; nothing is buffered in memory.
 */
export function exportDownloadRoute(services: Services): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      const ctx = await serviceContextFor(services, (req as unknown as { session?: { adminUser?: never } }).session?.adminUser);
      const file = await callService(() => services.exports.download(ctx, String(req.params.id ?? '')));
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Content-Length', String(file.bytes));
      res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
      res.setHeader('X-Content-SHA256', file.sha256);
      res.setHeader('Cache-Control', 'no-store');
      await pipeline(file.stream, res);
    })().catch(next);
  };
}

/** OutboxEvent: requeue a failed event (reason optional, audited); events are never edited. */
export function outboxActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    requeue: formAction(services, {
      name: 'requeue',
      actionType: 'record',
      icon: 'RefreshCw',
      fields: [reasonField(false)],
      isVisible: (admin, record) => roleCan(admin, 'update', 'OutboxEvent') && record?.params.status === 'FAILED',
      run: async (ctx, { recordId, payload }) => {
        await services.outbox.requeue(ctx, recordId!, text(payload, 'reason'));
      },
      successMessage: 'outboxRequeued',
    }),
  };
}
