import type { ActionRequest, ActionResponse, PageContext } from 'adminjs';
import type { Services } from '../../src/services.js';
import type { GrantSummary } from '../../src/modules/customer-view/customer-view.service.js';
import type { DashboardData } from '../../src/modules/dashboard/dashboard.service.js';
import { serviceContextFor } from '../auth/context.js';

/**
 * AdminJS's dashboard handler (GET /admin/api/dashboard): the signed-in staff member's role
 * dashboard, computed by the dashboard service within their ability.
 */
export function dashboardHandler(
  services: Pick<Services, 'staffAuth' | 'dashboard'> & Partial<Pick<Services, 'auditConsole' | 'customerView' | 'approvals'>>,
) {
  const { auditConsole, customerView, approvals } = services;
  return async (
    _request: ActionRequest,
    _response: ActionResponse,
    context: PageContext,
  ): Promise<DashboardData & { myGrants?: GrantSummary[] }> => {
    const ctx = await serviceContextFor(services, context.currentAdmin);
    const data = await services.dashboard.forActor(ctx, {
      ...(auditConsole ? { lastVerification: (c) => auditConsole.lastVerification(c) } : {}),
      ...(approvals
        ? {
            approvalsWaiting: async (c) =>
              (await approvals.list(c, { view: 'pendingForMe', limit: 10 })).map((r) => ({
                id: r.id,
                action: r.action,
                reason: r.reason,
                createdAt: r.createdAt.toISOString(),
                expiresAt: r.expiresAt.toISOString(),
              })),
            approvalsMine: async (c) =>
              (await approvals.list(c, { view: 'madeByMe', limit: 10 })).map((r) => ({
                id: r.id,
                action: r.action,
                reason: r.reason,
                status: r.status,
                approvalsGiven: r.approvalsGiven,
                approvalsRequired: r.approvalsRequired,
                createdAt: r.createdAt.toISOString(),
                expiresAt: r.expiresAt.toISOString(),
              })),
          }
        : {}),
    });
    // A support agent's own grants, by tenant name and expiry (others hold no grants: none).
    if (customerView && data.grantedTenants !== undefined) return { ...data, myGrants: await customerView.myGrants(ctx) };
    return data;
  };
}
