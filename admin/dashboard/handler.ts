import type { ActionRequest, ActionResponse, PageContext } from 'adminjs';
import type { Services } from '../../src/services.js';
import type { DashboardData } from '../../src/modules/dashboard/dashboard.service.js';
import { serviceContextFor } from '../auth/context.js';

/**
 * AdminJS's dashboard handler (GET /admin/api/dashboard): the signed-in staff member's role
 * dashboard, computed by the dashboard service within their ability.
 */
export function dashboardHandler(services: Pick<Services, 'staffAuth' | 'dashboard'> & Partial<Pick<Services, 'auditConsole'>>) {
  const auditConsole = services.auditConsole;
  return async (_request: ActionRequest, _response: ActionResponse, context: PageContext): Promise<DashboardData> => {
    const ctx = await serviceContextFor(services, context.currentAdmin);
    return services.dashboard.forActor(ctx, {
      ...(auditConsole ? { lastVerification: (c) => auditConsole.lastVerification(c) } : {}),
    });
  };
}
