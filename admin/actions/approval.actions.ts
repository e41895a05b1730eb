import type { Action, ActionResponse, CurrentAdmin } from 'adminjs';
import type { Services } from '../../src/services.js';
import { formAction, reasonField, text } from './form-action.js';
import { roleCan } from './roles.js';

const adminId = (admin: CurrentAdmin | undefined) => (admin as { id?: string } | undefined)?.id;

/**
 * ApprovalRequest (four-eyes): approve, reject (reason required), withdraw (the maker). The UI
 * offers them by role and state; the approval service decides for real (never the maker, one
 * decision per person, a checker who could make the change) and audits every step.
 */
export function approvalRequestActions(services: Services): Record<string, Action<ActionResponse>> {
  const pendingForOthers = (admin: CurrentAdmin | undefined, record?: { params: Record<string, unknown> }) =>
    record?.params.status === 'PENDING' && !(record.params.makerType === 'STAFF' && record.params.makerId === adminId(admin));
  return {
    approve: formAction(services, {
      name: 'approve',
      actionType: 'record',
      icon: 'CheckCircle',
      variant: 'success',
      fields: [reasonField(false)],
      isVisible: (admin, record) => roleCan(admin, 'approve', 'ApprovalRequest') && pendingForOthers(admin, record),
      run: async (ctx, { recordId, payload }) => {
        await services.approvals.approve(ctx, { requestId: recordId!, reason: text(payload, 'reason') });
      },
      successMessage: 'approvalApproved',
    }),
    reject: formAction(services, {
      name: 'reject',
      actionType: 'record',
      icon: 'XCircle',
      variant: 'danger',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'approve', 'ApprovalRequest') && pendingForOthers(admin, record),
      run: async (ctx, { recordId, payload }) => {
        await services.approvals.reject(ctx, { requestId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'approvalRejected',
    }),
    withdraw: formAction(services, {
      name: 'withdraw',
      actionType: 'record',
      icon: 'RotateCcw',
      fields: [reasonField(false)],
      isVisible: (admin, record) =>
        record?.params.status === 'PENDING' && record.params.makerType === 'STAFF' && record.params.makerId === adminId(admin),
      run: async (ctx, { recordId, payload }) => {
        await services.approvals.withdraw(ctx, { requestId: recordId!, reason: text(payload, 'reason') });
      },
      successMessage: 'approvalWithdrawn',
    }),
  };
}
