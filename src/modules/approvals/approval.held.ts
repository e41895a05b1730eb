import type { ApprovalRequest } from '@prisma/client';

/** An approval request as adapters show it (the maker's raw input stays in the domain). */
export interface ApprovalRequestView {
  id: string;
  action: string;
  status: ApprovalRequest['status'];
  tenantId: string | null;
  targetType: string | null;
  targetId: string | null;
  reason: string;
  preview: unknown;
  makerType: ApprovalRequest['makerType'];
  makerId: string;
  approvalsRequired: number;
  approvalsGiven: number;
  expiresAt: Date;
  createdAt: Date;
  resultId: string | null;
  failureCode: string | null;
  rejectionReason: string | null;
}

export const toApprovalView = (r: ApprovalRequest): ApprovalRequestView => ({
  id: r.id,
  action: r.action,
  status: r.status,
  tenantId: r.tenantId,
  targetType: r.targetType,
  targetId: r.targetId,
  reason: r.reason,
  preview: r.preview,
  makerType: r.makerType,
  makerId: r.makerId,
  approvalsRequired: r.approvalsRequired,
  approvalsGiven: r.approvalsGiven,
  expiresAt: r.expiresAt,
  createdAt: r.createdAt,
  resultId: r.resultId,
  failureCode: r.failureCode,
  rejectionReason: r.rejectionReason,
});

/**
 * What a guarded service function throws instead of making the change: the change is held as an
 * approval request (committed). Thrown, not returned, so no caller can mistake a held change for
 * a made one: a door that does not know about approvals fails loudly instead of reporting a record
 * that does not exist. The API answers 202 with the request, the admin "sent for approval".
 */
export class HeldForApproval extends Error {
  constructor(readonly request: ApprovalRequestView) {
    super(`held for approval: ${request.action}`);
    this.name = 'HeldForApproval';
  }
}

export const isHeldForApproval = (e: unknown): e is HeldForApproval => e instanceof HeldForApproval;
