import type { PrismaClient } from '@prisma/client';
import { sharedRecentWriters } from './db/recent-writers.js';
import { createDatabase, type TenantIsolation } from './db/session.js';
import { pipelinedPoolOf } from './db/prisma.js';
import { ALL_TENANT_SET, tenantScopedPool } from './db/tenant-set.js';
import { recordAuditEvent } from './lib/metrics.js';
import { tenantSetOf } from './modules/access/ability.js';
import { createGrantReader } from './modules/access/context.factory.js';
import { accountRepository } from './modules/accounts/account.repository.js';
import { createAccountService } from './modules/accounts/account.service.js';
import {
  adjustmentGuard,
  erasureCancelGuard,
  grantGuard,
  GuardInputs,
  killSwitchGuard,
  roleChangeGuard,
  staffCreateGuard,
  tenantExportGuard,
} from './modules/approvals/approval.actions.js';
import { approvalRepository } from './modules/approvals/approval.repository.js';
import { createApprovalService } from './modules/approvals/approval.service.js';
import { createAdminRecordService } from './modules/admin-records/admin-records.service.js';
import { apiAuthRepository } from './modules/api-auth/api-auth.repository.js';
import { createApiAuthService } from './modules/api-auth/api-auth.service.js';
import { streamAuditBundle } from './modules/audit/audit.bundle.js';
import { checkpointAllChains } from './modules/audit/audit.checkpoint.js';
import { createAuditArchiveService } from './modules/audit/audit.archive.js';
import { createAuditConsoleService } from './modules/audit/audit.console.js';
import { streamAuditExport } from './modules/audit/audit.export.js';
import { proveConsistency, proveInclusion } from './modules/audit/audit.proof.js';
import { auditSearchRepository } from './modules/audit/audit.search.repository.js';
import { createAuditTrail, type AuditTrail } from './modules/audit/audit.service.js';
import { createAuditKeys } from './modules/audit/audit.signing.js';
import { verifyChains } from './modules/audit/audit.verify.js';
import { budgetRepository } from './modules/budgets/budget.repository.js';
import { createBudgetService } from './modules/budgets/budget.service.js';
import { categoryRepository } from './modules/categories/category.repository.js';
import { createCategoryService } from './modules/categories/category.service.js';
import { dashboardRepository } from './modules/dashboard/dashboard.repository.js';
import { createDashboardService } from './modules/dashboard/dashboard.service.js';
import { customerViewRepository } from './modules/customer-view/customer-view.repository.js';
import { createCustomerViewService } from './modules/customer-view/customer-view.service.js';
import { erasureRepository } from './modules/erasure/erasure.repository.js';
import { createErasureService } from './modules/erasure/erasure.service.js';
import { exportRepository } from './modules/exports/export.repository.js';
import { markFailed, releaseForRetry, runExport, type ExportRunnerDeps } from './modules/exports/export.runner.js';
import { createExportService } from './modules/exports/export.service.js';
import { featureFlagRepository } from './modules/feature-flags/feature-flag.repository.js';
import { createFeatureFlagService } from './modules/feature-flags/feature-flag.service.js';
import { assetRepository, liabilityRepository, loanRepository } from './modules/holdings/holdings.repository.js';
import { createHoldingsServices } from './modules/holdings/holdings.service.js';
import { idempotencyRepository } from './modules/idempotency/idempotency.repository.js';
import { createIdempotencyService } from './modules/idempotency/idempotency.service.js';
import { partitionsRepository } from './modules/partitions/partitions.repository.js';
import { createPartitionService } from './modules/partitions/partitions.service.js';
import { createJobSender } from './modules/jobs/jobs.queues.js';
import { jobsRepository } from './modules/jobs/jobs.repository.js';
import { createJobsService } from './modules/jobs/jobs.service.js';
import { lifecycleRepository } from './modules/lifecycle/lifecycle.repository.js';
import { createLifecycleService } from './modules/lifecycle/lifecycle.service.js';
import { mailRepository } from './modules/mail/mail.repository.js';
import { createMailService } from './modules/mail/mail.service.js';
import { outboxRepository } from './modules/outbox/outbox.repository.js';
import { createOutboxService } from './modules/outbox/outbox.service.js';
import { recipientRepository } from './modules/outbox/recipient.repository.js';
import { recurringRepository } from './modules/recurring/recurring.repository.js';
import { createRecurringService } from './modules/recurring/recurring.service.js';
import { revealRepository } from './modules/reveal/reveal.repository.js';
import { createRevealService } from './modules/reveal/reveal.service.js';
import { createDemoSeedService } from './modules/seed/demo-seed.js';
import { seedRepository } from './modules/seed/seed.repository.js';
import { staffAuthRepository } from './modules/staff-auth/staff-auth.repository.js';
import { createStaffAuthService } from './modules/staff-auth/staff-auth.service.js';
import { staffRepository } from './modules/staff/staff.repository.js';
import { createStaffService } from './modules/staff/staff.service.js';
import { tenantRepository } from './modules/tenants/tenant.repository.js';
import { createTenantService } from './modules/tenants/tenant.service.js';
import { transactionRepository } from './modules/transactions/transaction.repository.js';
import { createTransactionService } from './modules/transactions/transaction.service.js';
import { userRepository } from './modules/users/user.repository.js';
import { createUserService } from './modules/users/user.service.js';
import type { Runtime } from './runtime.js';

/**
 * Row-level security as the database port applies it (ADR 0011): the one function that decides
 * every session's tenant set, and whether it is on (always, but for the side-by-side benchmark).
 */
export const tenantIsolation = (config: Pick<Runtime['config'], 'DATABASE_ROW_LEVEL_SECURITY'>): TenantIsolation => ({
  tenantSetOf: (ctx) => tenantSetOf(ctx.actor),
  enabled: config.DATABASE_ROW_LEVEL_SECURITY,
});

/**
 * The domain services, built once per process over its runtime: the composition root. Each
 * service receives the database port, the audit trail and the repositories it uses — never the
 * ORM. Adapters receive this.
 */
export function createServices(
  runtime: Pick<Runtime, 'prisma' | 'config' | 'secrets' | 'pool'> &
    Partial<Pick<Runtime, 'replica' | 'logger' | 'redis' | 'ownerUrl'>>,
  audit?: AuditTrail,
) {
  const prisma: PrismaClient = runtime.prisma;
  const db = createDatabase(
    prisma,
    runtime.pool,
    runtime.replica && {
      ...runtime.replica,
      readYourWritesSeconds: runtime.config.REPLICA_READ_YOUR_WRITES_SECONDS,
      // Several app nodes: a write through one is read back from the primary on all of them.
      ...(runtime.redis ? { recentWriters: sharedRecentWriters(runtime.redis) } : {}),
      onFallback: (err) => runtime.logger?.warn({ err: (err as Error).message }, 'replica read failed; served by the primary'),
      fresh: () => runtime.replica!.lag.fresh(),
    },
    tenantIsolation(runtime.config),
  );
  const auditKeys = createAuditKeys({
    signingKey: runtime.secrets.auditSigningKey,
    retiredPublicKeys: runtime.config.AUDIT_SIGNING_RETIRED_KEYS,
    hmacKeys: [runtime.secrets.auditCheckpointKey, ...runtime.config.AUDIT_CHECKPOINT_RETIRED_KEYS],
  });
  const trail =
    audit ??
    createAuditTrail({
      signer: auditKeys.signer,
      checkpointEvery: runtime.config.AUDIT_CHECKPOINT_EVERY,
      onRecorded: recordAuditEvent,
    });
  const core = { db, audit: trail };
  const grants = createGrantReader(db, staffRepository);
  const reveal = createRevealService({ ...core, reveals: revealRepository });
  const { config } = runtime;
  // The audit trail's own tools (verify, export, checkpoint, bundle, proofs) read every chain:
  // all-tenants by definition, reached only through the audit console, which checks the
  // caller's ability (verify/export AuditEvent: compliance, superadmin, the CLI) first.
  const pool = runtime.config.DATABASE_ROW_LEVEL_SECURITY
    ? tenantScopedPool(runtime.pool, ALL_TENANT_SET, pipelinedPoolOf(runtime.prisma))
    : runtime.pool;
  const adminRecords = createAdminRecordService({ ...core, reveal });
  const accounts = createAccountService({ ...core, accounts: accountRepository });

  // Four-eyes approval (ADR 0013): the guarded functions of these services are wrapped here, in the
  // domain's composition root, so the admin, the API and the CLI all reach them through the guard;
  // an approved request executes the unwrapped function, the one the unguarded call runs.
  const approvals = createApprovalService({ ...core, approvals: approvalRepository, outbox: outboxRepository });
  const staffCore = createStaffService({ ...core, staff: staffRepository, tenants: tenantRepository });
  const createStaff = approvals.guard(
    staffCreateGuard({ staff: staffRepository, hash: staffCore.hashedStaffInput, run: staffCore.createHashed }),
    staffCore.create,
    ([raw]) => GuardInputs.staffCreate(raw),
  );
  // The unguarded creation stays inside (an approved request executes it): not a door of its own.
  const { createHashed: _createHashed, ...staffDoors } = staffCore;
  const staff = {
    ...staffDoors,
    create: async (...args: Parameters<typeof createStaff>) => {
      // Grants made with a creation would sidestep the access.grant policy: while it is on, a new
      // staff member gets none (each grant is asked for afterwards, and held like any other).
      if (GuardInputs.grantsOf(args[1]).length)
        await approvals.refuseWhileGuarded(
          args[0],
          'access.grant',
          { action: 'staff.create', resource: 'StaffUser' },
          'APPROVAL.GRANT_SEPARATELY',
        );
      return createStaff(...args);
    },
    update: approvals.guard(roleChangeGuard({ staff: staffRepository, run: staffCore.update }), staffCore.update, ([id, raw]) =>
      GuardInputs.roleChange(id, raw),
    ),
    grantAccess: approvals.guard(
      grantGuard({ staff: staffRepository, tenants: tenantRepository, run: staffCore.grantAccess }),
      staffCore.grantAccess,
      ([raw]) => GuardInputs.grant(raw),
    ),
  };
  const transactionsCore = createTransactionService({
    ...core,
    transactions: transactionRepository,
    accounts: accountRepository,
    categories: categoryRepository,
  });
  const transactions = {
    ...transactionsCore,
    postAdjustment: approvals.guard(
      adjustmentGuard({ transactions: transactionRepository, run: transactionsCore.postAdjustment }),
      transactionsCore.postAdjustment,
      ([raw]) => GuardInputs.adjustment(raw),
    ),
  };
  const exportsCore = createExportService({ ...core, exports: exportRepository, jobs: createJobSender() });
  const exportsGuarded = {
    ...exportsCore,
    start: approvals.guard(tenantExportGuard({ tenants: tenantRepository, run: exportsCore.start }), exportsCore.start, ([raw]) =>
      GuardInputs.tenantExport(raw),
    ),
  };
  const erasureCore = createErasureService({
    ...core,
    config: runtime.config,
    erasure: erasureRepository,
    users: userRepository,
    tenants: tenantRepository,
    exports: exportRepository,
    outbox: outboxRepository,
  });
  const erasure = {
    ...erasureCore,
    cancel: approvals.guard(erasureCancelGuard({ users: userRepository, run: erasureCore.cancel }), erasureCore.cancel, ([raw]) =>
      GuardInputs.erasureCancel(raw),
    ),
  };
  const flagsCore = createFeatureFlagService({ ...core, flags: featureFlagRepository });
  const featureFlags = {
    ...flagsCore,
    update: approvals.guard(killSwitchGuard({ flags: featureFlagRepository, run: flagsCore.update }), flagsCore.update, ([raw]) =>
      GuardInputs.killSwitch(raw),
    ),
  };
  const lifecycle = createLifecycleService({
    ...core,
    users: userRepository,
    credentials: apiAuthRepository,
    lifecycle: lifecycleRepository,
    outbox: outboxRepository,
    accountTokenKey: runtime.secrets.accountTokenKey,
  });
  return {
    audit: trail,
    /** The audit trail's keys: the signing key, every key that verifies, the published key set. */
    auditKeys,
    auditConsole: createAuditConsoleService({
      ...core,
      events: auditSearchRepository,
      tenants: tenantRepository,
      trail: {
        verify: (options) => verifyChains(pool, options),
        export: (query, format, out) => streamAuditExport(pool, query, format, out),
        checkpoint: (options) => checkpointAllChains(pool, options),
        bundle: (options, out) => streamAuditBundle(pool, options, out),
        proveInclusion: (eventId, keys) => proveInclusion(pool, eventId, keys.ring),
        proveConsistency: (chainKey, from, to, keys) => proveConsistency(pool, chainKey, from, to, keys.ring),
      },
      keys: auditKeys,
      checkpointEvery: config.AUDIT_CHECKPOINT_EVERY,
    }),
    /** Old audit months to a verifiable file, their partitions dropped (operators; docs/partitioning.md). */
    auditArchive: createAuditArchiveService({
      ownerUrl: runtime.ownerUrl,
      keys: auditKeys,
      keepMonths: config.AUDIT_KEEP_MONTHS,
      logger: runtime.logger,
    }),
    tenants: createTenantService({ ...core, tenants: tenantRepository, outbox: outboxRepository }),
    staff,
    staffAuth: createStaffAuthService({ ...core, grants, credentials: staffAuthRepository, staff: staffRepository }),
    dashboard: createDashboardService({
      ...core,
      figures: dashboardRepository,
      auditEvents: auditSearchRepository,
      outbox: outboxRepository,
      staff: staffRepository,
    }),
    users: createUserService({ ...core, users: userRepository, tenants: tenantRepository, outbox: outboxRepository }),
    reveal,
    adminRecords,
    accounts,
    customerView: createCustomerViewService({ db, views: customerViewRepository, adminRecords, accounts, reveal }),
    transactions,
    approvals,
    ...createHoldingsServices({ ...core, assets: assetRepository, liabilities: liabilityRepository, loans: loanRepository }),
    categories: createCategoryService({ ...core, categories: categoryRepository }),
    budgets: createBudgetService({ ...core, budgets: budgetRepository, categories: categoryRepository }),
    apiAuth: createApiAuthService({
      ...core,
      credentials: apiAuthRepository,
      users: userRepository,
      tenants: tenantRepository,
      outbox: outboxRepository,
      jwtSecret: runtime.secrets.jwtSecret,
      termsVersion: runtime.config.TERMS_VERSION,
    }),
    lifecycle,
    idempotency: createIdempotencyService({ db, keys: idempotencyRepository }),
    partitions: createPartitionService({ ...core, partitions: partitionsRepository }),
    exports: exportsGuarded,
    /** What runExport() needs (worker, CLI): the database port, the audit trail, the export repository, grants. */
    exportRunner: {
      db,
      audit: trail,
      exports: exportRepository,
      grants,
      exportDir: runtime.config.EXPORT_DIR,
      auditKeySet: auditKeys.keySet,
    } satisfies ExportRunnerDeps,
    /** The export runner's steps, for the worker (jobs does not import the exports module's code). */
    exportRuns: { run: runExport, markFailed, releaseForRetry },
    erasure,
    featureFlags,
    recurring: createRecurringService({
      ...core,
      rules: recurringRepository,
      accounts: accountRepository,
      categories: categoryRepository,
      tenants: tenantRepository,
    }),
    mail: createMailService({ ...core, mail: mailRepository, config }),
    outbox: createOutboxService({
      ...core,
      outbox: outboxRepository,
      tenants: tenantRepository,
      recipients: recipientRepository,
      accountTokenKey: runtime.secrets.accountTokenKey,
      linkBase: config.ACCOUNT_LINK_BASE_URL ?? config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
      publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
      consumers: lifecycle.outboxConsumers,
    }),
    jobs: createJobsService({ ...core, exportJobs: jobsRepository }),
    seed: createDemoSeedService({ ...core, seed: seedRepository, staff }),
  };
}

export type Services = ReturnType<typeof createServices>;
