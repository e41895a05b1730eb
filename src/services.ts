import type { PrismaClient } from '@prisma/client';
import { createAuditTrail, type AuditTrail } from './modules/audit/audit.service.js';
import { createAuditConsoleService } from './modules/audit/audit.console.js';
import { createStaffService } from './modules/staff/staff.service.js';
import { createStaffAuthService } from './modules/staff-auth/staff-auth.service.js';
import { createDashboardService } from './modules/dashboard/dashboard.service.js';
import { createTenantService } from './modules/tenants/tenant.service.js';
import { createUserService } from './modules/users/user.service.js';
import { createRevealService } from './modules/reveal/reveal.service.js';
import { createAdminRecordService } from './modules/admin-records/admin-records.service.js';
import { recordAuditEvent } from './lib/metrics.js';
import { createAccountService } from './modules/accounts/account.service.js';
import { createApiAuthService } from './modules/api-auth/api-auth.service.js';
import { createBudgetService } from './modules/budgets/budget.service.js';
import { createCategoryService } from './modules/categories/category.service.js';
import { createIdempotencyService } from './modules/idempotency/idempotency.service.js';
import { createTransactionService } from './modules/transactions/transaction.service.js';
import { createErasureService } from './modules/erasure/erasure.service.js';
import { createExportService } from './modules/exports/export.service.js';
import { createFeatureFlagService } from './modules/feature-flags/feature-flag.service.js';
import { createJobSender } from './modules/jobs/jobs.queues.js';
import { createRecurringService } from './modules/recurring/recurring.service.js';
import type { Runtime } from './runtime.js';

/** The domain services, built once per process over its runtime. Adapters receive this. */
export function createServices(runtime: Pick<Runtime, 'prisma' | 'config' | 'secrets' | 'pool'>, audit?: AuditTrail) {
  const prisma: PrismaClient = runtime.prisma;
  const trail =
    audit ??
    createAuditTrail({
      checkpointKey: runtime.secrets.auditCheckpointKey,
      checkpointEvery: runtime.config.AUDIT_CHECKPOINT_EVERY,
      onRecorded: recordAuditEvent,
    });
  const core = { prisma, audit: trail };
  const reveal = createRevealService(core);
  return {
    audit: trail,
    auditConsole: createAuditConsoleService({
      prisma,
      pool: runtime.pool,
      audit: trail,
      checkpointKeys: [runtime.secrets.auditCheckpointKey],
      checkpointEvery: runtime.config.AUDIT_CHECKPOINT_EVERY,
    }),
    tenants: createTenantService(core),
    staff: createStaffService(core),
    staffAuth: createStaffAuthService(core),
    dashboard: createDashboardService(core),
    users: createUserService(core),
    reveal,
    adminRecords: createAdminRecordService({ ...core, reveal }),
    accounts: createAccountService(core),
    transactions: createTransactionService({ ...core, pool: runtime.pool }),
    categories: createCategoryService(core),
    budgets: createBudgetService(core),
    apiAuth: createApiAuthService({ ...core, pool: runtime.pool, jwtSecret: runtime.secrets.jwtSecret }),
    idempotency: createIdempotencyService(core),
    exports: createExportService({ ...core, jobs: createJobSender() }),
    erasure: createErasureService({ ...core, config: runtime.config }),
    featureFlags: createFeatureFlagService(core),
    recurring: createRecurringService(core),
  };
}

export type Services = ReturnType<typeof createServices>;
