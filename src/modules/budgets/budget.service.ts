import type { Budget } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { Decimal } from '../../lib/money.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { inTransaction, type WriteOptions } from '../idempotency/unit-of-work.js';
import type { CoreDeps } from '../shared/deps.js';
import { scope } from '../shared/guard.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../transactions/keyset.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../transactions/ledger.guard.js';
import { currentPeriod, type PeriodRange } from './budget.period.js';
import { budgetRepository } from './budget.repository.js';
import { BudgetListQuery, CreateBudgetInput } from './budget.schemas.js';

/** A budget with its current period and the net spending (debits minus credits) in it. */
export type BudgetWithSpending = Budget & { currentPeriod: PeriodRange; spent: Decimal; remaining: Decimal };
export type BudgetService = ReturnType<typeof createBudgetService>;

export function createBudgetService(deps: CoreDeps & { now?: () => Date }) {
  const { prisma, audit } = deps;
  const now = deps.now ?? (() => new Date());

  async function withSpending(budgets: Budget[]): Promise<BudgetWithSpending[]> {
    const at = now();
    const periods = budgets.map((b) => currentPeriod(b.period, b.startsOn, b.endsOn, at));
    const spent = await budgetRepository.spent(
      prisma,
      budgets.map((b, i) => ({ id: b.id, tenantId: b.tenantId, categoryId: b.categoryId, currency: b.currency, ...periods[i]! })),
    );
    return budgets.map((b, i) => {
      const s = new Decimal(spent.get(b.id) ?? '0');
      return { ...b, currentPeriod: periods[i]!, spent: s, remaining: new Decimal(b.amount.toString()).minus(s) };
    });
  }

  /** Lists the budgets the actor may read, newest first, with spent vs. limit for the current period. */
  async function list(ctx: ServiceContext, raw: BudgetListQuery = {}): Promise<Page<BudgetWithSpending>> {
    const query = BudgetListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await budgetRepository.list(
      prisma,
      {
        AND: [scope(ctx, 'read', 'Budget'), query.tenantId ? { tenantId: query.tenantId } : {}, afterCursor('createdAt', cursor)],
      },
      query.limit + 1,
    );
    const page = toPage(rows, query.limit, (b) => b.createdAt);
    return { data: await withSpending(page.data), nextCursor: page.nextCursor };
  }

  /** Creates a budget on a category of the actor's tenant; audited in the same transaction. */
  async function create(ctx: ServiceContext, raw: CreateBudgetInput, options: WriteOptions = {}): Promise<BudgetWithSpending> {
    const input = CreateBudgetInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Budget', input.tenantId, 'budget.create');
    const category = await prisma.category.findFirst({
      where: { AND: [scope(ctx, 'read', 'Category'), { id: input.categoryId, tenantId }] },
      select: { id: true },
    });
    if (!category)
      throw await refuseInvisible(
        deps,
        ctx,
        { action: 'budget.create', resource: 'Category', recordId: input.categoryId },
        async () =>
          (await prisma.category.findUnique({ where: { id: input.categoryId }, select: { tenantId: true } }))?.tenantId ?? null,
      );
    const budget = await inTransaction(prisma, options, async (tx) => {
      const created = await budgetRepository.create(tx, {
        tenantId,
        categoryId: category.id,
        name: input.name,
        amount: input.amount,
        currency: input.currency,
        period: input.period,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
      });
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId,
        action: 'budget.create',
        resource: 'Budget',
        recordId: created.id,
        diff: diffRecords(null, created),
      });
      return created;
    });
    // Spending is read outside the creating transaction: a new budget may already have some.
    return (await withSpending([budget]))[0]!;
  }

  /** One budget within the actor's ability, with its current spending; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<BudgetWithSpending> {
    const found = isUuid(id) ? await budgetRepository.findFirst(prisma, { AND: [scope(ctx, 'read', 'Budget'), { id }] }) : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'budget.read', resource: 'Budget', recordId: id }, () =>
        budgetRepository.unsafeFindTenantId(prisma, id),
      );
    return (await withSpending([found]))[0]!;
  }

  return { list, get, create };
}
