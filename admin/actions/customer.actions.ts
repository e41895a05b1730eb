import type { Action, ActionResponse } from 'adminjs';
import type { Services } from '../../src/services.js';
import { formAction, reasonField, text } from './form-action.js';
import { roleCan } from './roles.js';

/** Tenant: suspend / reactivate (reason required; the owner is notified through the outbox), reveal its name. */
export function tenantActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    suspend: formAction(services, {
      name: 'suspend',
      actionType: 'record',
      icon: 'PauseCircle',
      variant: 'danger',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'suspend', 'Tenant') && record?.params.status === 'ACTIVE',
      run: async (ctx, { recordId, payload }) => {
        await services.tenants.suspend(ctx, { tenantId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'tenantSuspended',
    }),
    reactivate: formAction(services, {
      name: 'reactivate',
      actionType: 'record',
      icon: 'PlayCircle',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'reactivate', 'Tenant') && record?.params.status === 'SUSPENDED',
      run: async (ctx, { recordId, payload }) => {
        await services.tenants.reactivate(ctx, { tenantId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'tenantReactivated',
    }),
    // A household's name is personal data (usually a family name): masked for compliance unless revealed.
    reveal: formAction(services, {
      name: 'reveal',
      actionType: 'record',
      icon: 'Eye',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'reveal', 'Tenant') && record?.params.personalDataMasked === true,
      run: async (ctx, { recordId, payload }) => {
        await services.reveal.reveal(ctx, { resource: 'Tenant', recordId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'personalDataRevealed',
    }),
  };
}

/** User: unlock, send password reset, reopen a closed account (cancel its erasure), reveal personal data. */
export function userActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    unlock: formAction(services, {
      name: 'unlock',
      actionType: 'record',
      icon: 'Unlock',
      fields: [reasonField(false)],
      isVisible: (admin, record) =>
        roleCan(admin, 'unlock', 'User') &&
        (record?.params.status === 'LOCKED' ||
          Boolean(record?.params.lockedUntil) ||
          Number(record?.params.failedLoginCount) > 0),
      run: async (ctx, { recordId, payload }) => {
        await services.users.unlock(ctx, { userId: recordId!, reason: text(payload, 'reason') });
      },
      successMessage: 'userUnlocked',
    }),
    sendPasswordReset: formAction(services, {
      name: 'sendPasswordReset',
      actionType: 'record',
      icon: 'Key',
      fields: [reasonField(false)],
      isVisible: (admin, record) =>
        roleCan(admin, 'resetPassword', 'User') && !['CLOSED', 'DISABLED'].includes(String(record?.params.status)),
      run: async (ctx, { recordId, payload }) => {
        await services.users.requestPasswordReset(ctx, { userId: recordId!, reason: text(payload, 'reason') });
      },
      successMessage: 'passwordResetSent',
    }),
    reopen: formAction(services, {
      name: 'reopen',
      actionType: 'record',
      icon: 'RotateCcw',
      variant: 'danger',
      fields: [reasonField()],
      // Offered while the erasure is pending; the service checks the grace period for real.
      isVisible: (admin, record) =>
        roleCan(admin, 'reopen', 'User') && record?.params.status === 'CLOSED' && !record?.params.erasedAt,
      run: async (ctx, { recordId, payload }) => {
        await services.erasure.cancel(ctx, { userId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'erasureCancelled',
    }),
    reveal: formAction(services, {
      name: 'reveal',
      actionType: 'record',
      icon: 'Eye',
      fields: [reasonField()],
      isVisible: (admin, record) => roleCan(admin, 'reveal', 'User') && record?.params.personalDataMasked === true,
      run: async (ctx, { recordId, payload }) => {
        await services.reveal.reveal(ctx, { resource: 'User', recordId: recordId!, reason: text(payload, 'reason') ?? '' });
      },
      successMessage: 'personalDataRevealed',
    }),
  };
}

/** Transaction: post a correcting adjustment that references the original. */
export function transactionActions(services: Services): Record<string, Action<ActionResponse>> {
  return {
    postAdjustment: formAction(services, {
      name: 'postAdjustment',
      actionType: 'record',
      icon: 'PlusCircle',
      fields: [
        { name: 'amount', type: 'decimal', required: true },
        { name: 'direction', type: 'select', required: true, options: ['CREDIT', 'DEBIT'] },
        { name: 'description', type: 'text' },
        reasonField(),
      ],
      // The original, so the correction is written against what was booked.
      summary: ['occurredAt', 'account', 'amountFormatted', 'currency', 'direction', 'description'],
      isVisible: (admin, record) => roleCan(admin, 'adjust', 'Transaction') && record?.params.kind === 'REGULAR',
      run: async (ctx, { recordId, payload }) => {
        const created = await services.transactions.postAdjustment(ctx, {
          transactionId: recordId!,
          amount: text(payload, 'amount') ?? '',
          direction: (text(payload, 'direction') ?? '') as 'CREDIT' | 'DEBIT',
          description: text(payload, 'description') ?? null,
          reason: text(payload, 'reason') ?? '',
        });
        return { recordId: created.id };
      },
      successMessage: 'adjustmentPosted',
    }),
  };
}
