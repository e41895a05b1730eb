import { subject } from '@casl/ability';
import type { Prisma } from '@prisma/client';
import type { ReadSession, WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { Decimal } from '../../lib/money.js';
import type { ErasureService } from '../erasure/erasure.service.js';
import { canStartExport } from '../exports/export.policy.js';
import { BUNDLE } from '../exports/export.resources.js';
import { StartExportInput } from '../exports/export.schemas.js';
import type { ExportService } from '../exports/export.service.js';
import type { featureFlagRepository } from '../feature-flags/feature-flag.repository.js';
import { UpdateFeatureFlagInput } from '../feature-flags/feature-flag.schemas.js';
import type { FeatureFlagService } from '../feature-flags/feature-flag.service.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { staffRepository } from '../staff/staff.repository.js';
import { CreateStaffInput, GrantAccessInput, UpdateStaffInput } from '../staff/staff.schemas.js';
import type { HashedStaffInput, StaffService } from '../staff/staff.service.js';
import type { tenantRepository } from '../tenants/tenant.repository.js';
import type { transactionRepository } from '../transactions/transaction.repository.js';
import { PostAdjustmentInput } from '../transactions/transaction.schemas.js';
import type { TransactionService } from '../transactions/transaction.service.js';
import type { userRepository } from '../users/user.repository.js';
import { CancelErasureInput } from '../erasure/erasure.schemas.js';
import type { DescribedChange, GuardedAction } from './approval.service.js';

/**
 * The guarded actions of the product (ADR 0013): for each, what it acts on, when a call needs a
 * second person, who could perform it, and the unguarded service function that executes it.
 * The policy (ApprovalPolicy, data) says whether the guard is on, who approves, how many, how long.
 */

const pair = (from: unknown, to: unknown) => ({ from: from ?? null, to: to ?? null });
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.JsonValue;
const missing = (targetType: string, targetId: string | null, reason: string | null): DescribedChange => ({
  tenantId: null,
  targetType,
  targetId,
  state: null,
  preview: {},
  reason,
});

/** An adjustment from the policy's amount of its currency ("*" for currencies not listed) waits. */
export function adjustmentGuard(deps: {
  transactions: Pick<typeof transactionRepository, 'findVisible' | 'listAdjustmentsOf'>;
  run: TransactionService['postAdjustment'];
}): GuardedAction<ReturnType<typeof PostAdjustmentInput.parse>> {
  return {
    action: 'transaction.adjust',
    parse: (stored) => PostAdjustmentInput.parse(stored),
    async describe(s: ReadSession, input) {
      const original = isUuid(input.transactionId) ? await deps.transactions.findVisible(s, input.transactionId, 'adjust') : null;
      if (!original) return missing('Transaction', input.transactionId, input.reason);
      const adjustments = await deps.transactions.listAdjustmentsOf(s, [original.id]);
      return {
        tenantId: original.tenantId,
        targetType: 'Transaction',
        targetId: original.id,
        // An adjustment posted on the same transaction meanwhile is drift: the checker saw another picture.
        state: { id: original.id, kind: original.kind, adjustments: adjustments.map((a) => a.id).sort() },
        preview: {
          adjustsTransactionId: pair(null, original.id),
          amount: pair(null, input.amount),
          currency: pair(null, original.currency),
          direction: pair(null, input.direction),
          description: pair(null, input.description),
          originalAmount: pair(null, String(original.amount)),
        },
        reason: input.reason,
      };
    },
    needsApproval(input, change, policy) {
      if (!change.state) return false; // not visible: the service refuses it (404, audited)
      const currency = String((change.preview.currency as { to: unknown }).to);
      const thresholds = (policy.thresholds ?? {}) as Record<string, string>;
      const limit = thresholds[currency] ?? thresholds['*'];
      if (limit === undefined) return false;
      try {
        return new Decimal(input.amount).gt(new Decimal(limit));
      } catch {
        return false;
      }
    },
    canPerform: (ctx, change) =>
      !!change.tenantId && ctx.ability.can('adjust', subject('Transaction', { tenantId: change.tenantId } as never)),
    execute: (ctx, stored, options) => deps.run(ctx, stored as never, options),
  };
}

/** Granting (or, for the same tenant again, extending) a support agent's access. */
export function grantGuard(deps: {
  staff: Pick<typeof staffRepository, 'findVisible' | 'unsafeActiveGrantTenantIds'>;
  tenants: Pick<typeof tenantRepository, 'findVisible'>;
  run: StaffService['grantAccess'];
}): GuardedAction<ReturnType<typeof GrantAccessInput.parse>> {
  return {
    action: 'access.grant',
    parse: (stored) => GrantAccessInput.parse(stored),
    async describe(s, input) {
      const grantee = await deps.staff.findVisible(s, input.staffUserId);
      const tenant = await deps.tenants.findVisible(s, input.tenantId);
      if (!grantee || !tenant) return missing('TenantAccessGrant', null, input.reason);
      const active = await deps.staff.unsafeActiveGrantTenantIds(s, grantee.id);
      return {
        tenantId: tenant.id,
        targetType: 'StaffUser',
        targetId: grantee.id,
        state: { grantee: grantee.id, role: grantee.role, status: grantee.status, activeOnTenant: active.includes(tenant.id) },
        preview: {
          staffUserId: pair(null, grantee.id),
          staffEmail: pair(null, grantee.email),
          tenantId: pair(null, tenant.id),
          expiresAt: pair(null, input.expiresAt.toISOString()),
          extends: pair(null, active.includes(tenant.id)),
        },
        reason: input.reason,
      };
    },
    needsApproval: (_input, change) => change.state !== null,
    canPerform: (ctx) => ctx.ability.can('create', 'TenantAccessGrant'),
    execute: (ctx, stored, options) => deps.run(ctx, stored as never, options),
  };
}

/** Creating a staff member: the held input keeps the password's hash, never the password. */
export function staffCreateGuard(deps: {
  staff: Pick<typeof staffRepository, 'findVisibleIdByEmail'>;
  hash: StaffService['hashedStaffInput'];
  run: StaffService['createHashed'];
}): GuardedAction<ReturnType<typeof CreateStaffInput.parse>> {
  return {
    action: 'staff.create',
    // The kept input has the password's hash instead of the password: what describe reads is the rest.
    parse: (stored) => {
      const { passwordHash: _hash, ...rest } = stored as Record<string, unknown>;
      return CreateStaffInput.parse({ ...rest, password: '' });
    },
    async describe(s, input) {
      const taken = await deps.staff.findVisibleIdByEmail(s, input.email);
      return {
        tenantId: null,
        targetType: 'StaffUser',
        targetId: null,
        state: { email: input.email, taken: taken !== null },
        preview: {
          email: pair(null, input.email),
          name: pair(null, input.name),
          role: pair(null, input.role),
          grantTenantIds: pair(null, input.grantTenantIds),
        },
        reason: null,
      };
    },
    needsApproval: () => true,
    canPerform: (ctx) => ctx.ability.can('create', 'StaffUser'),
    store: async (input) => json(await deps.hash(input)) as Prisma.InputJsonValue,
    execute: (ctx, stored, options) => deps.run(ctx, stored as unknown as HashedStaffInput, options),
  };
}

/** Changing a staff member's role (any edit that changes it waits, with its other changes). */
export function roleChangeGuard(deps: {
  staff: Pick<typeof staffRepository, 'findVisible'>;
  run: StaffService['update'];
}): GuardedAction<{ id: string; input: ReturnType<typeof UpdateStaffInput.parse> }> {
  return {
    action: 'staff.role_change',
    parse: (stored) => {
      const { id, input } = stored as { id: string; input: unknown };
      return { id, input: UpdateStaffInput.parse(input) };
    },
    async describe(s, { id, input }) {
      const target = isUuid(id) ? await deps.staff.findVisible(s, id, 'update') : null;
      if (!target) return missing('StaffUser', id, null);
      return {
        tenantId: null,
        targetType: 'StaffUser',
        targetId: target.id,
        state: { id: target.id, role: target.role, status: target.status, sessionVersion: target.sessionVersion },
        preview: {
          email: pair(target.email, target.email),
          role: pair(target.role, input.role ?? target.role),
          ...(input.name !== undefined ? { name: pair(target.name, input.name) } : {}),
          ...(input.locale !== undefined ? { locale: pair(target.locale, input.locale) } : {}),
        },
        reason: null,
      };
    },
    needsApproval: ({ input }, change) =>
      change.state !== null && input.role !== undefined && input.role !== (change.state as { role: string }).role,
    canPerform: (ctx) => ctx.ability.can('update', 'StaffUser'),
    execute: (ctx, stored, options) => {
      const { id, input } = stored as { id: string; input: UpdateStaffInput };
      return deps.run(ctx, id, input, options);
    },
  };
}

/** Reopening a closed account (cancelling its erasure). */
export function erasureCancelGuard(deps: {
  users: Pick<typeof userRepository, 'findVisible'>;
  run: ErasureService['cancel'];
}): GuardedAction<ReturnType<typeof CancelErasureInput.parse>> {
  return {
    action: 'user.erasure_cancel',
    parse: (stored) => CancelErasureInput.parse(stored),
    async describe(s, input) {
      const user = isUuid(input.userId) ? await deps.users.findVisible(s, input.userId, 'reopen') : null;
      if (!user) return missing('User', input.userId, input.reason);
      return {
        tenantId: user.tenantId,
        targetType: 'User',
        targetId: user.id,
        state: {
          id: user.id,
          status: user.status,
          closedAt: user.closedAt?.toISOString() ?? null,
          erasureDueAt: user.erasureDueAt?.toISOString() ?? null,
          erasedAt: user.erasedAt?.toISOString() ?? null,
        },
        preview: { status: pair(user.status, user.statusBeforeClose ?? 'ACTIVE'), erasureDueAt: pair(user.erasureDueAt, null) },
        reason: input.reason,
      };
    },
    needsApproval: (_input, change) => change.state !== null,
    canPerform: (ctx, change) =>
      !!change.tenantId && ctx.ability.can('reopen', subject('User', { tenantId: change.tenantId } as never)),
    execute: (ctx, stored, options) => deps.run(ctx, stored as never, new Date(), options),
  };
}

/** A tenant-wide data export (the tenant's full bundle). */
export function tenantExportGuard(deps: {
  tenants: Pick<typeof tenantRepository, 'findVisible'>;
  run: ExportService['start'];
}): GuardedAction<ReturnType<typeof StartExportInput.parse>> {
  return {
    action: 'export.tenant',
    parse: (stored) => StartExportInput.parse(stored),
    async describe(s, input) {
      const tenantId = input.tenantId ?? input.filters.tenantId ?? null;
      const tenant = tenantId && isUuid(tenantId) ? await deps.tenants.findVisible(s, tenantId) : null;
      if (!tenant) return missing('Tenant', tenantId, input.reason);
      return {
        tenantId: tenant.id,
        targetType: 'Tenant',
        targetId: tenant.id,
        state: { id: tenant.id, status: tenant.status },
        preview: { resource: pair(null, input.resource), format: pair(null, input.format), tenantId: pair(null, tenant.id) },
        reason: input.reason,
      };
    },
    needsApproval: (input, change) => input.resource === BUNDLE && change.state !== null,
    canPerform: (ctx, change) => canStartExport(ctx, { resource: BUNDLE, tenantId: change.tenantId }),
    execute: (ctx, stored, options: WriteOptions) => deps.run(ctx, stored as never, { write: options }),
  };
}

/** A feature flag's kill switch (enabled changes) or its rollout to 100 %. */
export function killSwitchGuard(deps: {
  flags: Pick<typeof featureFlagRepository, 'findVisible'>;
  run: FeatureFlagService['update'];
}): GuardedAction<ReturnType<typeof UpdateFeatureFlagInput.parse>> {
  return {
    action: 'feature_flag.kill_switch',
    parse: (stored) => UpdateFeatureFlagInput.parse(stored),
    async describe(s, input) {
      const flag = await deps.flags.findVisible(s, { id: input.id }, 'update');
      if (!flag) return missing('FeatureFlag', input.id, input.reason ?? null);
      return {
        tenantId: null,
        targetType: 'FeatureFlag',
        targetId: flag.id,
        state: {
          id: flag.id,
          enabled: flag.enabled,
          rolloutPercentage: flag.rolloutPercentage,
          updatedAt: flag.updatedAt.toISOString(),
        },
        preview: {
          key: pair(flag.key, flag.key),
          enabled: pair(flag.enabled, input.enabled ?? flag.enabled),
          rolloutPercentage: pair(flag.rolloutPercentage, input.rolloutPercentage ?? flag.rolloutPercentage),
        },
        reason: input.reason ?? null,
      };
    },
    needsApproval(input, change) {
      const state = change.state as { enabled: boolean; rolloutPercentage: number } | null;
      if (!state) return false;
      const switched = input.enabled !== undefined && input.enabled !== state.enabled;
      const fullRollout = input.rolloutPercentage === 100 && state.rolloutPercentage !== 100;
      return switched || fullRollout;
    },
    canPerform: (ctx) => ctx.ability.can('update', 'FeatureFlag'),
    execute: (ctx, stored, options) => deps.run(ctx, stored as never, options),
  };
}

/** The parsers the guard uses to read each call's input (the services parse again, as always). */
export const GuardInputs = {
  adjustment: (raw: unknown) => PostAdjustmentInput.parse(raw),
  grant: (raw: unknown) => GrantAccessInput.parse(raw),
  staffCreate: (raw: unknown) => CreateStaffInput.parse(raw),
  /** The tenant grants a staff creation asks for (none when the input has none or is not an object). */
  grantsOf: (raw: unknown): unknown[] => {
    const grants = raw && typeof raw === 'object' ? (raw as { grantTenantIds?: unknown }).grantTenantIds : undefined;
    return Array.isArray(grants) ? grants : [];
  },
  roleChange: (id: string, raw: unknown) => ({ id, input: UpdateStaffInput.parse(raw) }),
  erasureCancel: (raw: unknown) => CancelErasureInput.parse(raw),
  tenantExport: (raw: unknown) => StartExportInput.parse(raw),
  killSwitch: (raw: unknown) => UpdateFeatureFlagInput.parse(raw),
};

export type { ServiceContext };
