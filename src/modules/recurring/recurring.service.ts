import type { RecurringRule } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, forbidden, validation } from '../../lib/errors.js';
import type { accountRepository } from '../accounts/account.repository.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { categoryRepository } from '../categories/category.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../shared/ledger.guard.js';
import { amountDetail, checkAmount } from '../shared/ledger.schemas.js';
import type { tenantRepository } from '../tenants/tenant.repository.js';
import type { recurringRepository } from './recurring.repository.js';
import { dueOccurrences, isoDate, toDateOnly } from './recurring.schedule.js';
import {
  CreateRecurringRuleInput,
  ENDS_BEFORE_START,
  endsBeforeStart,
  NEXT_RUN_BEFORE_START,
  UpdateRecurringRuleInput,
} from './recurring.schemas.js';

export type RecurringService = ReturnType<typeof createRecurringService>;

export interface MaterialiseResult {
  rules: number;
  created: number;
  skippedTenant?: 'not_active' | 'missing';
}

export interface RecurringServiceDeps extends CoreDeps {
  rules: typeof recurringRepository;
  accounts: typeof accountRepository;
  categories: typeof categoryRepository;
  tenants: typeof tenantRepository;
}

/**
 * Recurring rules: created, changed and deleted by staff (the admin) through the rules below,
 * and materialised into transactions by a system job. Materialisation is idempotent: a
 * transaction of a rule for a date is unique (recurringRuleId, recurrenceDate) and inserted with
 * ON CONFLICT DO NOTHING, so a retried or concurrent run never creates a second one; the rule row
 * is locked while its occurrences are written and its nextRunOn moves forward in the same
 * transaction.
 */
export function createRecurringService(deps: RecurringServiceDeps) {
  const { db, audit, rules, accounts, categories, tenants } = deps;

  function requireSystem(ctx: ServiceContext) {
    if (ctx.actor.type !== 'SYSTEM') throw forbidden('AUTH.FORBIDDEN', 'recurring materialisation is a system job');
  }

  /** Throws VALIDATION_ERROR unless the amount is acceptable money in the currency. */
  function requireAmountFor(amount: string, currency: string): void {
    const problem = checkAmount(amount, currency);
    if (problem) throw validation([amountDetail('amount', problem)]);
  }

  /**
   * Creates a rule on an account of the tenant (a category of the same tenant optional). The
   * currency is the account's, the amount must fit it, the rule ends on or after its start and
   * runs first on `nextRunOn` (default: its start). Audited `recurring_rule.create`.
   */
  async function create(ctx: ServiceContext, raw: CreateRecurringRuleInput): Promise<RecurringRule> {
    const input = CreateRecurringRuleInput.parse(raw);
    const action = 'recurring_rule.create';
    const tenantId = await resolveTenantForCreate(deps, ctx, 'RecurringRule', input.tenantId, action);
    const account = await db.read(ctx, (s) => accounts.findVisible(s, input.accountId));
    if (!account || account.tenantId !== tenantId)
      throw await refuseInvisible(deps, ctx, { action, resource: 'Account', recordId: input.accountId }, (s) =>
        accounts.unsafeFindTenantId(s, input.accountId),
      );
    if (account.archivedAt) throw conflict('ACCOUNT.ARCHIVED');
    if (input.currency && input.currency !== account.currency)
      throw validation([
        { field: 'currency', code: 'currency_mismatch', message: `The account's currency is ${account.currency}` },
      ]);
    requireAmountFor(input.amount, account.currency);
    const categoryId = input.categoryId ?? null;
    if (categoryId) {
      const category = await db.read(ctx, (s) => categories.findVisible(s, categoryId, 'read', tenantId));
      if (!category)
        throw await refuseInvisible(deps, ctx, { action, resource: 'Category', recordId: categoryId }, (s) =>
          categories.unsafeFindTenantId(s, categoryId),
        );
    }
    return db.write(ctx, async (s) => {
      const created = await rules.create(s, {
        tenantId,
        accountId: account.id,
        categoryId,
        amount: input.amount,
        currency: account.currency,
        direction: input.direction,
        description: input.description ?? null,
        frequency: input.frequency,
        interval: input.interval,
        startsOn: input.startsOn,
        endsOn: input.endsOn ?? null,
        nextRunOn: input.nextRunOn ?? input.startsOn,
        active: input.active,
      });
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId,
        action,
        resource: 'RecurringRule',
        recordId: created.id,
        diff: diffRecords(null, created),
      });
      return created;
    });
  }

  /**
   * Changes a rule's description, amount, schedule, end, next run or whether it is active,
   * within the ability. The amount must fit the rule's currency; the rule still ends on or after
   * its start and does not run before it. Audited `recurring_rule.update` with its diff.
   */
  async function update(ctx: ServiceContext, id: string, raw: UpdateRecurringRuleInput): Promise<RecurringRule> {
    const input = UpdateRecurringRuleInput.parse(raw);
    const action = 'recurring_rule.update';
    await requireAbility(deps, ctx, 'update', 'RecurringRule', { action, recordId: id });
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await rules.lockVisible(s, id, 'update') : null;
      if (!before) return null;
      if (input.amount !== undefined) requireAmountFor(input.amount, before.currency);
      const endsOn = input.endsOn === undefined ? before.endsOn : input.endsOn;
      if (endsBeforeStart(before.startsOn, endsOn)) throw validation([{ ...ENDS_BEFORE_START }]);
      if (input.nextRunOn && input.nextRunOn < before.startsOn) throw validation([{ ...NEXT_RUN_BEFORE_START }]);
      const after = (await rules.updateVisible(s, id, input))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'RecurringRule',
        recordId: id,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'RecurringRule', recordId: id });
    return result;
  }

  /**
   * Deletes a rule that has not materialised any transaction (409 RECURRING_RULE.HAS_TRANSACTIONS
   * otherwise: the ledger is append-only and its transactions point at the rule, which is then
   * deactivated instead). Audited `recurring_rule.delete`.
   */
  async function remove(ctx: ServiceContext, id: string): Promise<RecurringRule> {
    const action = 'recurring_rule.delete';
    await requireAbility(deps, ctx, 'delete', 'RecurringRule', { action, recordId: id });
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await rules.lockVisible(s, id, 'delete') : null;
      if (!before) return null;
      if (await rules.unsafeHasTransactions(s, id)) throw conflict('RECURRING_RULE.HAS_TRANSACTIONS');
      await rules.deleteVisible(s, id);
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'RecurringRule',
        recordId: id,
        diff: diffRecords(before, null),
      });
      return before;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'RecurringRule', recordId: id });
    return result;
  }

  /** Tenants with at least one active rule due on or before `today` (system jobs only). */
  async function dueTenantIds(ctx: ServiceContext, today = new Date()): Promise<string[]> {
    requireSystem(ctx);
    return db.read(ctx, (s) => rules.dueTenantIds(s, toDateOnly(today)));
  }

  /**
   * Creates the due transactions of one tenant's rules up to `today`, audited per rule as the
   * system job. Suspended or closed tenants are skipped (their rules catch up on reactivation).
   */
  async function materialiseTenant(ctx: ServiceContext, tenantId: string, today = new Date()): Promise<MaterialiseResult> {
    requireSystem(ctx);
    const tenant = await db.read(ctx, (s) => tenants.findVisible(s, tenantId));
    if (!tenant) return { rules: 0, created: 0, skippedTenant: 'missing' };
    if (tenant.status !== 'ACTIVE') return { rules: 0, created: 0, skippedTenant: 'not_active' };
    const day = toDateOnly(today);
    const due = await db.read(ctx, (s) => rules.dueRuleIds(s, tenantId, day));
    let created = 0;
    let ran = 0;
    for (const id of due) {
      created += await db.write(ctx, async (s) => {
        // Another worker holding the rule is doing this very work: skip it rather than wait.
        const rule = await rules.lockForRunOrSkip(s, id, tenantId);
        if (!rule || !rule.active || rule.nextRunOn > day) return 0;
        const { dates, next, ended } = dueOccurrences(rule, day);
        const count = await rules.insertOccurrences(
          s,
          dates.map((date) => ({
            tenantId: rule.tenantId,
            accountId: rule.accountId,
            categoryId: rule.categoryId,
            amount: rule.amount,
            currency: rule.currency,
            direction: rule.direction,
            description: rule.description,
            occurredAt: date,
            recurringRuleId: rule.id,
            recurrenceDate: date,
          })),
        );
        await rules.updateVisible(s, rule.id, { nextRunOn: next, ...(ended ? { active: false } : {}) });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: rule.tenantId,
          action: 'recurring.materialise',
          resource: 'RecurringRule',
          recordId: rule.id,
          diff: {
            nextRunOn: { from: isoDate(rule.nextRunOn), to: isoDate(next) },
            transactionsCreated: { from: null, to: count },
            ...(ended ? { active: { from: true, to: false } } : {}),
          },
        });
        ran++;
        return count;
      });
    }
    return { rules: ran, created };
  }

  return { create, update, remove, dueTenantIds, materialiseTenant };
}
