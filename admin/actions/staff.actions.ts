import type { Action, ActionResponse } from 'adminjs';
import type { Services } from '../../src/services.js';
import { formAction, reasonField, text } from './form-action.js';
import { roleCan } from './roles.js';

/** TenantAccessGrant: grant (superadmin; staff, tenant, reason, expiry) and revoke (reason). */
export function grantActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    grant: formAction(services, {
      name: 'grant',
      actionType: 'resource',
      icon: 'UserPlus',
      fields: [
        { name: 'staffUserId', type: 'reference', reference: 'StaffUser', required: true },
        { name: 'tenantId', type: 'reference', reference: 'Tenant', required: true },
        reasonField(),
        { name: 'expiresAt', type: 'datetime', required: true },
      ],
      isVisible: (admin) => roleCan(admin, 'create', 'TenantAccessGrant'),
      run: async (ctx, { payload }) => {
        const grant = await services.staff.grantAccess(ctx, {
          staffUserId: text(payload, 'staffUserId') ?? '',
          tenantId: text(payload, 'tenantId') ?? '',
          reason: text(payload, 'reason') ?? '',
          expiresAt: text(payload, 'expiresAt') ?? '',
        });
        return { recordId: grant.id };
      },
      successMessage: 'accessGranted',
    }),
    revoke: formAction(services, {
      name: 'revoke',
      actionType: 'record',
      icon: 'UserMinus',
      variant: 'danger',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'revoke', 'TenantAccessGrant') && !record?.params.revokedAt,
      run: async (ctx, { recordId, payload }) => {
        await services.staff.revokeAccess(ctx, { grantId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'accessRevoked',
    }),
  };
}

/** StaffUser: disable / enable / end sessions (each ends the member's sessions). */
export function staffActions(services: Services): Record<string, Action<ActionResponse>> {
  const change = (name: 'disable' | 'enable' | 'endSessions', icon: string, visible: (status: unknown) => boolean) =>
    formAction(services, {
      name,
      actionType: 'record',
      icon,
      variant: name === 'enable' ? 'default' : 'danger',
      fields: [reasonField()],
      isVisible: (admin, record) =>
        roleCan(admin, 'update', 'StaffUser') &&
        visible(record?.params.status) &&
        (admin as { id?: string } | undefined)?.id !== record?.id(),
      run: async (ctx, { recordId, payload }) => {
        await services.staff[name](ctx, { staffUserId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: `staff_${name}`,
    });
  return {
    disable: change('disable', 'UserX', (s) => s === 'ACTIVE'),
    enable: change('enable', 'UserCheck', (s) => s === 'DISABLED'),
    endSessions: change('endSessions', 'LogOut', (s) => s === 'ACTIVE'),
  };
}
