import { subject } from '@casl/ability';
import type { WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, forbidden, validation } from '../../lib/errors.js';
import type { accountRepository } from '../accounts/account.repository.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { categoryRepository } from '../categories/category.repository.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny } from '../shared/guard.js';
import { decodeCursor, toPage, type Page } from '../shared/keyset.js';
import { isUuid, refuseInvisible } from '../shared/ledger.guard.js';
import { amountDetail, checkAmount } from '../shared/ledger.schemas.js';
import type { transactionRepository, TransactionRecord } from './transaction.repository.js';
import { CreateTransactionInput, PostAdjustmentInput, TransactionFilters } from './transaction.schemas.js';

export type TransactionService = ReturnType<typeof createTransactionService>;
export type { TransactionRecord };

/** Throws VALIDATION_ERROR unless the amount is acceptable money in the currency. */
function requireAmountFor(amount: string, currency: string, field = 'amount'): void {
  const problem = checkAmount(amount, currency);
  if (problem) throw validation([amountDetail(field, problem)]);
}

export interface TransactionServiceDeps extends CoreDeps {
  transactions: typeof transactionRepository;
  accounts: typeof accountRepository;
  categories: typeof categoryRepository;
}

export function createTransactionService(deps: TransactionServiceDeps) {
  const { db, audit, transactions, accounts, categories } = deps;

  /**
   * Lists transactions the actor may read, newest first (occurredAt desc, id desc), with keyset
   * pagination: walking every page returns each row once even while rows are being inserted.
   */
  async function list(ctx: ServiceContext, raw: TransactionFilters = {}): Promise<Page<TransactionRecord>> {
    const f = TransactionFilters.parse(raw);
    const cursor = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await db.read(ctx, (s) => transactions.listVisible(s, f, cursor, f.limit + 1));
    return toPage(rows, f.limit, (t) => t.occurredAt);
  }

  /** One transaction within the actor's ability; NOT_FOUND otherwise (audited when another tenant's). */
  async function get(ctx: ServiceContext, id: string): Promise<TransactionRecord> {
    const found = isUuid(id) ? await db.read(ctx, (s) => transactions.findVisible(s, id)) : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'transaction.read', resource: 'Transaction', recordId: id }, (s) =>
        transactions.unsafeFindTenantId(s, id),
      );
    return found;
  }

  /**
   * Records a regular transaction on an account the actor can see. The currency is the
   * account's; the amount must fit its decimals. Audited in the same transaction.
   */
  async function create(
    ctx: ServiceContext,
    raw: CreateTransactionInput,
    options: WriteOptions = {},
  ): Promise<TransactionRecord> {
    const input = CreateTransactionInput.parse(raw);
    const account = await db.read(ctx, (s) => accounts.findPostable(s, input.accountId));
    if (!account)
      throw await refuseInvisible(
        deps,
        ctx,
        { action: 'transaction.create', resource: 'Account', recordId: input.accountId },
        (s) => accounts.unsafeFindTenantId(s, input.accountId),
      );
    if (!ctx.ability.can('create', subject('Transaction', { tenantId: account.tenantId } as never)))
      throw await deny(
        deps,
        ctx,
        { action: 'transaction.create', resource: 'Transaction', tenantId: account.tenantId },
        forbidden(),
      );
    if (input.currency && input.currency !== account.currency)
      throw validation([
        { field: 'currency', code: 'currency_mismatch', message: `The account's currency is ${account.currency}` },
      ]);
    requireAmountFor(input.amount, account.currency);
    if (account.archivedAt) throw conflict('ACCOUNT.ARCHIVED');
    if (input.categoryId) {
      const categoryId = input.categoryId;
      const category = await db.read(ctx, (s) => categories.findVisibleInTenant(s, categoryId, account.tenantId));
      if (!category)
        throw await refuseInvisible(
          deps,
          ctx,
          { action: 'transaction.create', resource: 'Category', recordId: categoryId },
          (s) => categories.unsafeFindTenantId(s, categoryId),
        );
    }
    return db.write(
      ctx,
      async (s) => {
        const created = await transactions.create(s, {
          tenantId: account.tenantId,
          accountId: account.id,
          categoryId: input.categoryId ?? null,
          amount: input.amount,
          currency: account.currency,
          direction: input.direction,
          occurredAt: input.occurredAt ?? new Date(),
          description: input.description ?? null,
          kind: 'REGULAR',
        });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: account.tenantId,
          action: 'transaction.create',
          resource: 'Transaction',
          recordId: created.id,
          diff: diffRecords(null, created),
        });
        return created;
      },
      options,
    );
  }

  /**
   * Posts a correcting ADJUSTMENT that references the original transaction, on the same tenant,
   * account and currency (transactions are never changed). The reason goes into the audit event.
   * Used by tenant users (API) and by support staff (admin action) alike.
   */
  async function postAdjustment(
    ctx: ServiceContext,
    raw: PostAdjustmentInput,
    options: WriteOptions = {},
  ): Promise<TransactionRecord> {
    const input = PostAdjustmentInput.parse(raw);
    const original = await db.read(ctx, (s) => transactions.findVisible(s, input.transactionId, 'adjust'));
    if (!original)
      throw await refuseInvisible(
        deps,
        ctx,
        { action: 'transaction.adjust', resource: 'Transaction', recordId: input.transactionId, reason: input.reason },
        (s) => transactions.unsafeFindTenantId(s, input.transactionId),
      );
    if (original.kind === 'ADJUSTMENT') throw conflict('TRANSACTION.ADJUSTMENT_NOT_ADJUSTABLE');
    requireAmountFor(input.amount, original.currency);
    return db.write(
      ctx,
      async (s) => {
        const created = await transactions.create(s, {
          tenantId: original.tenantId,
          accountId: original.accountId,
          categoryId: original.categoryId,
          amount: input.amount,
          currency: original.currency,
          direction: input.direction,
          occurredAt: new Date(),
          description: input.description ?? null,
          kind: 'ADJUSTMENT',
          adjustsTransactionId: original.id,
        });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId: original.tenantId,
          action: 'transaction.adjust',
          resource: 'Transaction',
          recordId: created.id,
          reason: input.reason,
          diff: diffRecords(null, created),
        });
        return created;
      },
      options,
    );
  }

  return { list, get, create, postAdjustment };
}
