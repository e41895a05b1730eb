import type { RecurringRule } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, forbidden, validation } from '../../lib/errors.js';
import type { accountRepository } from '../accounts/account.repository.js';
import { actorFields } from '../audit/audit.service.js';
import type { categoryRepository } from '../categories/category.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { amountDetail, checkAmount } from '../shared/ledger.schemas.js';
import { createTenantRecordService } from '../tenant-records/tenant-record.service.js';
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
   * create / update / remove / removeMany of rules (the admin's writes), audited
   * `recurring_rule.create|update|delete|bulk_delete`, with the rules of a recurring rule:
   * - the account (and the category, when given) belong to the rule's tenant and are not archived;
   * - the currency is the account's, and the amount fits it;
   * - the rule ends on or after its start and never runs before it;
   * - a rule that has materialised transactions is deactivated, not deleted (409).
   */
  const records = createTenantRecordService<RecurringRule, typeof CreateRecurringRuleInput, typeof UpdateRecurringRuleInput>(
    deps,
    {
      subject: 'RecurringRule',
      resource: 'recurring_rule',
      repository: rules,
      createSchema: CreateRecurringRuleInput,
      updateSchema: UpdateRecurringRuleInput,
      checkCreate: async (s, input) => {
        // The rule's tenant, as resolveTenantForCreate decided it (a user's own, else the given one).
        const tenantId = s.ctx.actor.type === 'USER' ? s.ctx.actor.tenantId : input.tenantId;
        const account = await accounts.findVisible(s, input.accountId);
        if (!account || account.tenantId !== tenantId)
          throw validation([{ field: 'accountId', code: 'not_found', message: 'No such account in this tenant' }]);
        if (account.archivedAt) throw conflict('ACCOUNT.ARCHIVED');
        if (input.currency !== account.currency)
          throw validation([
            { field: 'currency', code: 'currency_mismatch', message: `The account's currency is ${account.currency}` },
          ]);
        requireAmountFor(input.amount, account.currency);
        if (input.categoryId && !(await categories.findVisibleInTenant(s, input.categoryId, account.tenantId)))
          throw validation([{ field: 'categoryId', code: 'not_found', message: 'No such category in this tenant' }]);
      },
      checkUpdate: (_s, before, input) => {
        if (input.amount !== undefined) requireAmountFor(input.amount, before.currency);
        const endsOn = input.endsOn === undefined ? before.endsOn : input.endsOn;
        if (endsBeforeStart(before.startsOn, endsOn)) throw validation([{ ...ENDS_BEFORE_START }]);
        if (input.nextRunOn && input.nextRunOn < before.startsOn) throw validation([{ ...NEXT_RUN_BEFORE_START }]);
      },
      checkDelete: async (s, before) => {
        if (await rules.unsafeHasTransactions(s, before.id)) throw conflict('RECURRING_RULE.HAS_TRANSACTIONS');
      },
    },
  );

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

  return {
    /** One rule within the actor's ability; NOT_FOUND otherwise. */
    get: records.get,
    /** Creates a rule on an account of the tenant (`CreateRecurringRuleInput`), audited `recurring_rule.create`. */
    create: records.create,
    /** Changes a rule (`UpdateRecurringRuleInput`) within the ability, audited `recurring_rule.update`. */
    update: records.update,
    /** Deletes a rule that materialised nothing (409 RECURRING_RULE.HAS_TRANSACTIONS), audited `recurring_rule.delete`. */
    remove: records.remove,
    /** Deletes several rules, all or nothing, audited `recurring_rule.bulk_delete`. */
    removeMany: records.removeMany,
    dueTenantIds,
    materialiseTenant,
  };
}
