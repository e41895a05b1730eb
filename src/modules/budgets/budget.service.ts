import type { Budget } from '@prisma/client';
import type { ReadSession, WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { validation } from '../../lib/errors.js';
import { Decimal } from '../../lib/money.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { categoryRepository } from '../categories/category.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../shared/keyset.js';
import { createTenantRecordService } from '../tenant-records/tenant-record.service.js';
import { amountDetail, checkAmount } from '../shared/ledger.schemas.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../shared/ledger.guard.js';
import { currentPeriod, type PeriodRange } from './budget.period.js';
import type { budgetRepository } from './budget.repository.js';
import { BudgetListQuery, CreateBudgetInput, ENDS_BEFORE_START, endsBeforeStart, UpdateBudgetInput } from './budget.schemas.js';

/** A budget with its current period and the net spending (debits minus credits) in it. */
export type BudgetWithSpending = Budget & { currentPeriod: PeriodRange; spent: Decimal; remaining: Decimal };
export type BudgetService = ReturnType<typeof createBudgetService>;

export function createBudgetService(
  deps: CoreDeps & { budgets: typeof budgetRepository; categories: typeof categoryRepository; now?: () => Date },
) {
  const { db, audit, budgets, categories } = deps;
  const now = deps.now ?? (() => new Date());

  async function withSpending(s: ReadSession, rows: Budget[]): Promise<BudgetWithSpending[]> {
    const at = now();
    const periods = rows.map((b) => currentPeriod(b.period, b.startsOn, b.endsOn, at));
    const spent = await budgets.spent(
      s,
      rows.map((b, i) => ({ id: b.id, tenantId: b.tenantId, categoryId: b.categoryId, currency: b.currency, ...periods[i]! })),
    );
    return rows.map((b, i) => {
      const used = new Decimal(spent.get(b.id) ?? '0');
      return { ...b, currentPeriod: periods[i]!, spent: used, remaining: new Decimal(b.amount.toString()).minus(used) };
    });
  }

  /** Lists the budgets the actor may read, newest first, with spent vs. limit for the current period. */
  async function list(ctx: ServiceContext, raw: BudgetListQuery = {}): Promise<Page<BudgetWithSpending>> {
    const query = BudgetListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    return db.read(ctx, async (s) => {
      const rows = await budgets.listVisible(
        s,
        { AND: [query.tenantId ? { tenantId: query.tenantId } : {}, afterCursor('createdAt', cursor)] },
        query.limit + 1,
      );
      const page = toPage(rows, query.limit, (b) => b.createdAt);
      return { data: await withSpending(s, page.data), nextCursor: page.nextCursor };
    });
  }

  /** Creates a budget on a category of the actor's tenant; audited in the same transaction. */
  async function create(ctx: ServiceContext, raw: CreateBudgetInput, options: WriteOptions = {}): Promise<BudgetWithSpending> {
    const input = CreateBudgetInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Budget', input.tenantId, 'budget.create');
    const category = await db.read(ctx, (s) => categories.findVisibleInTenant(s, input.categoryId, tenantId));
    if (!category)
      throw await refuseInvisible(deps, ctx, { action: 'budget.create', resource: 'Category', recordId: input.categoryId }, (s) =>
        categories.unsafeFindTenantId(s, input.categoryId),
      );
    return db.write(
      ctx,
      async (s) => {
        const created = await budgets.create(s, {
          tenantId,
          categoryId: category.id,
          name: input.name,
          amount: input.amount,
          currency: input.currency,
          period: input.period,
          startsOn: input.startsOn,
          endsOn: input.endsOn ?? null,
        });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId,
          action: 'budget.create',
          resource: 'Budget',
          recordId: created.id,
          diff: diffRecords(null, created),
        });
        // Spending is read in the creating transaction: a new budget may already have some.
        return (await withSpending(s, [created]))[0]!;
      },
      options,
    );
  }

  /** One budget within the actor's ability, with its current spending; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<BudgetWithSpending> {
    const found = isUuid(id)
      ? await db.read(ctx, async (s) => {
          const budget = await budgets.findVisible(s, id);
          return budget && (await withSpending(s, [budget]))[0]!;
        })
      : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'budget.read', resource: 'Budget', recordId: id }, (s) =>
        budgets.unsafeFindTenantId(s, id),
      );
    return found;
  }

  const records = createTenantRecordService<Budget, typeof CreateBudgetInput, typeof UpdateBudgetInput>(deps, {
    subject: 'Budget',
    resource: 'budget',
    repository: budgets,
    createSchema: CreateBudgetInput,
    updateSchema: UpdateBudgetInput,
    // The same rules as creation, against the budget as it is: the amount fits its currency, the dates stay in order.
    checkUpdate: (_s, before, input) => {
      if (input.amount !== undefined) {
        const problem = checkAmount(input.amount, before.currency);
        if (problem) throw validation([amountDetail('amount', problem)]);
      }
      const endsOn = input.endsOn === undefined ? before.endsOn : input.endsOn;
      if (endsBeforeStart(input.startsOn ?? before.startsOn, endsOn)) throw validation([{ ...ENDS_BEFORE_START }]);
    },
  });

  return {
    list,
    get,
    create,
    /** Changes a budget's name, limit, period or dates within the ability; audited with its diff. */
    update: records.update,
    /** Deletes a budget within the ability. */
    remove: records.remove,
    /** Deletes several budgets at once, all or nothing, with one audit event. */
    removeMany: records.removeMany,
  };
}
