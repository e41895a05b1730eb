import { z } from 'zod';
import { isSupportedCurrency } from '../../lib/money.js';
import { AmountString } from '../shared/ledger.schemas.js';

export const StaffRoleInput = z.enum(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']);

/** Amounts per currency ("*" for any other) from which an adjustment waits for approval. */
export const Thresholds = z.record(z.string(), AmountString).superRefine((value, ctx) => {
  for (const key of Object.keys(value))
    if (key !== '*' && !isSupportedCurrency(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'Unknown or unsupported currency',
        params: { code: 'invalid_currency' },
      });
});

/** A superadmin's change of an approval policy (audited, versioned). */
export const UpdateApprovalPolicyInput = z
  .object({
    description: z.string().trim().max(500).nullish(),
    enabled: z.boolean().optional(),
    approverRoles: z.array(StaffRoleInput).min(1).max(4).optional(),
    approvalsRequired: z.number().int().min(1).max(5).optional(),
    ttlHours: z.number().int().min(1).max(720).optional(),
    thresholds: Thresholds.optional(),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();
export type UpdateApprovalPolicyInput = z.input<typeof UpdateApprovalPolicyInput>;

/** Approving a request (a reason is optional) or rejecting it (a reason is required). */
export const ApproveInput = z.object({ requestId: z.uuid(), reason: z.string().trim().max(2000).optional() });
export type ApproveInput = z.input<typeof ApproveInput>;

export const RejectInput = z.object({ requestId: z.uuid(), reason: z.string().trim().min(3).max(2000) });
export type RejectInput = z.input<typeof RejectInput>;

export const WithdrawInput = z.object({ requestId: z.uuid(), reason: z.string().trim().max(2000).optional() });
export type WithdrawInput = z.input<typeof WithdrawInput>;

/** The approvals lists: waiting for me, made by me, everything I may see (history). */
export const ApprovalListInput = z.object({
  view: z.enum(['pendingForMe', 'madeByMe', 'history']).default('pendingForMe'),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ApprovalListInput = z.input<typeof ApprovalListInput>;
