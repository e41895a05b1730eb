import type { CoreDeps } from '../shared/deps.js';
import { buildSystemContext } from '../access/context.factory.js';
import { hashPassword } from '../access/password.js';
import { actorFields } from '../audit/audit.service.js';
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

/** The demo data of development and benchmarks, loaded as the system actor `seed`. */
export function createDemoSeedService(
  deps: Pick<CoreDeps, 'db' | 'audit'> & {
    seed: typeof seedRepository;
    staff: Pick<StaffService, 'create' | 'findIdByEmail' | 'grantAccess' | 'countGrants'>;
  },
) {
  const { db, audit, seed, staff } = deps;
  const seedContext = () => buildSystemContext('seed', { correlationId: `seed-${Date.now()}` });

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
