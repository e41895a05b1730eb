import type { ServiceContext } from '../../lib/context.js';
import type { CoreDeps } from '../shared/deps.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { hashPassword } from '../access/password.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields, SEED_ACTOR_ID, type HistoryEventInput } from '../audit/audit.service.js';
import type { StaffService } from '../staff/staff.service.js';
import { DEMO_STAFF, DEMO_USER_PASSWORD } from './demo-data.js';
import type { seedRepository } from './seed.repository.js';

export interface SeedOptions {
  tenants: number;
  transactions: number;
  /** Transactions per INSERT statement. */
  batchSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface SeedResult {
  tenants: number;
  users: number;
  accounts: number;
  transactions: number;
  staffCreated: string[];
  seconds: number;
}

export type DemoSeedService = ReturnType<typeof createDemoSeedService>;

const DAY = 86_400_000;
/** Salary payments per tenant whose creation the demo's audit history tells (the latest ones). */
const SALARY_EVENTS_PER_TENANT = 12;

/** The demo data of development and benchmarks, loaded as the system actor `seed`. */
export function createDemoSeedService(
  deps: Pick<CoreDeps, 'db' | 'audit'> & {
    seed: typeof seedRepository;
    staff: Pick<StaffService, 'create' | 'findIdByEmail' | 'grantAccess' | 'countGrants'>;
  },
) {
  const { db, audit, seed, staff } = deps;
  const seedContext = () => buildSystemContext(SEED_ACTOR_ID, ALL_TENANTS, { correlationId: `seed-${Date.now()}` });

  /**
   * Bulk demo data: set-based SQL, so two million transactions load in well under three
   * minutes. Idempotent for staff (one per role, created through the staff service: password
   * policy, audit); every run adds new tenants. One system audit event records the run (the
   * bulk insert commits in a transaction of its own first: it is too large for an audited write).
   */
  async function demo(options: SeedOptions): Promise<SeedResult> {
    const started = performance.now();
    const ctx = seedContext();
    const staffCreated: string[] = [];
    for (const s of DEMO_STAFF) {
      if (await staff.findIdByEmail(ctx, s.email)) continue;
      await staff.create(ctx, { email: s.email, name: s.name, role: s.role, password: s.password, locale: 'en' });
      staffCreated.push(s.email);
    }
    const userHash = await hashPassword(DEMO_USER_PASSWORD);
    const counts = await db.read(ctx, (s) =>
      seed.insertDemoData(s, {
        tenants: options.tenants,
        transactions: options.transactions,
        batchSize: options.batchSize,
        onProgress: options.onProgress,
        userHash,
      }),
    );
    const history = await writeHistory(ctx, counts.tenantIds);
    await db.write(ctx, (s) =>
      audit.record(s, {
        ...actorFields(ctx),
        action: 'system.seed',
        resource: 'Tenant',
        diff: {
          tenants: counts.tenantIds.length,
          users: counts.users,
          accounts: counts.accounts,
          transactions: counts.transactions,
          historyEvents: history,
        },
      }),
    );
    return {
      tenants: counts.tenantIds.length,
      users: counts.users,
      accounts: counts.accounts,
      transactions: counts.transactions,
      staffCreated,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * The demo's audit history: each new tenant's chain tells, at the times they happened, its
   * creation, its users, accounts and budgets, its latest salary payments, and for some a
   * suspension (lifted two days ago, or still running: that tenant is left suspended). Written
   * through the audit trail's seed entry point (recordHistory: verifiable chains, times in
   * order), one transaction per tenant. Returns the number of events written.
   */
  async function writeHistory(ctx: ServiceContext, tenantIds: string[]): Promise<number> {
    const rows = await db.read(ctx, (s) => seed.demoHistoryRows(s, tenantIds, SALARY_EVENTS_PER_TENANT));
    const now = Date.now();
    const ago = (days: number, hours = 10) => new Date(now - days * DAY - (now % DAY) + hours * 3_600_000);
    let written = 0;
    for (const [i, tenant] of rows.tenants.entries()) {
      const t0 = tenant.createdAt.getTime();
      const at = (minutes: number) => new Date(t0 + minutes * 60_000);
      const events: Array<{ at: Date; event: HistoryEventInput; suspendSince?: Date }> = [];
      const add = (when: Date, event: Omit<HistoryEventInput, 'tenantId'>, suspendSince?: Date) =>
        events.push({ at: when, event: { ...event, tenantId: tenant.id }, suspendSince });
      add(at(0), { action: 'tenant.create', resource: 'Tenant', recordId: tenant.id, diff: diffRecords(null, tenant) });
      for (const [k, user] of rows.users.filter((u) => u.tenantId === tenant.id).entries())
        add(at(5 + k * 240), {
          action: 'user.create',
          resource: 'User',
          recordId: user.id,
          diff: diffRecords(null, { email: user.email, name: user.name, role: user.role, locale: user.locale }),
        });
      for (const account of rows.accounts.filter((a) => a.tenantId === tenant.id))
        add(at(12), { action: 'account.create', resource: 'Account', recordId: account.id, diff: diffRecords(null, account) });
      for (const budget of rows.budgets.filter((b) => b.tenantId === tenant.id))
        add(at(30), { action: 'budget.create', resource: 'Budget', recordId: budget.id, diff: diffRecords(null, budget) });
      for (const payment of rows.payments.filter((p) => p.tenantId === tenant.id))
        add(payment.occurredAt, {
          action: 'transaction.create',
          resource: 'Transaction',
          recordId: payment.id,
          diff: diffRecords(null, payment),
        });
      // A suspension: lifted two days ago (every third tenant), or still running (the sixth ones).
      const status = (action: 'tenant.suspend' | 'tenant.reactivate', when: Date, reason: string, stays = false) =>
        add(
          when,
          {
            action,
            resource: 'Tenant',
            recordId: tenant.id,
            reason,
            diff:
              action === 'tenant.suspend'
                ? { status: { from: 'ACTIVE', to: 'SUSPENDED' } }
                : { status: { from: 'SUSPENDED', to: 'ACTIVE' } },
          },
          stays ? when : undefined,
        );
      if (i % 3 === 1) {
        status('tenant.suspend', ago(9), 'Demo: chargeback under review');
        status('tenant.reactivate', ago(2, 15), 'Demo: chargeback resolved');
      } else if (i % 6 === 5) status('tenant.suspend', ago(4), 'Demo: identity documents requested', true);
      events.sort((a, b) => a.at.getTime() - b.at.getTime());
      await db.write(ctx, async (s) => {
        for (const e of events) {
          await audit.recordHistory(s, e.event, e.at);
          if (e.suspendSince) await seed.suspendDemoTenant(s, tenant.id, e.suspendSince);
        }
      });
      written += events.length;
    }
    return written;
  }

  /** Grants the demo support user access to a few tenants, so scoping is visible at once. */
  async function grantDemoSupport(count = 2): Promise<void> {
    const ctx = seedContext();
    const support = await staff.findIdByEmail(ctx, DEMO_STAFF[1].email);
    if (!support || (await staff.countGrants(ctx, support))) return;
    const tenantIds = await db.read(ctx, (s) => seed.firstTenantIds(s, count));
    for (const tenantId of tenantIds)
      await staff.grantAccess(ctx, {
        staffUserId: support,
        tenantId,
        reason: 'Demo: support ticket DEMO-1 needs access to this household',
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      });
  }

  /** Whether this is the first start of a fresh database (no staff member yet). */
  const isFirstRun = async (): Promise<boolean> => !(await db.read(seedContext(), (s) => seed.hasStaff(s)));

  /** The email of a demo household owner (they all share DEMO_USER_PASSWORD), or null. */
  const demoOwnerEmail = (): Promise<string | null> =>
    db.read(seedContext(), (s) => seed.firstDemoOwnerEmail(s, 'demo.backoffice.local'));

  return { demo, grantDemoSupport, isFirstRun, demoOwnerEmail };
}
