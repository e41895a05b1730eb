import { subject } from '@casl/ability';
import type pg from 'pg';
import type { ServiceContext } from '../../lib/context.js';
import { conflict, forbidden, validation } from '../../lib/errors.js';
import { accountRepository } from '../accounts/account.repository.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { inTransaction, type WriteOptions } from '../idempotency/unit-of-work.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, scope } from '../shared/guard.js';
import { decodeCursor, toPage, type Page } from './keyset.js';
import { isUuid, refuseInvisible } from './ledger.guard.js';
import { amountDetail, checkAmount } from './ledger.schemas.js';
import { transactionRepository, type TransactionRecord } from './transaction.repository.js';
import { CreateTransactionInput, PostAdjustmentInput, TransactionFilters } from './transaction.schemas.js';

export type TransactionService = ReturnType<typeof createTransactionService>;
export type { TransactionRecord };

/** Throws VALIDATION_ERROR unless the amount is acceptable money in the currency. */
function requireAmountFor(amount: string, currency: string, field = 'amount'): void {
  const problem = checkAmount(amount, currency);
  if (problem) throw validation([amountDetail(field, problem)]);
}

/**
 * `pool` (the runtime's raw pg pool) carries the list, the API's hottest read, as a prepared
 * statement; without it the same SQL runs through Prisma.
 */
export function createTransactionService(deps: CoreDeps & { pool?: pg.Pool }) {
  const { prisma, audit } = deps;

  /**
   * Lists transactions the actor may read, newest first (occurredAt desc, id desc), with keyset
   * pagination: walking every page returns each row once even while rows are being inserted.
   */
  async function list(ctx: ServiceContext, raw: TransactionFilters = {}): Promise<Page<TransactionRecord>> {
    const f = TransactionFilters.parse(raw);
    const cursor = f.cursor ? decodeCursor(f.cursor) : undefined;
    const rows = await transactionRepository.list(prisma, scope(ctx, 'read', 'Transaction'), f, cursor, f.limit + 1, deps.pool);
    return toPage(rows, f.limit, (t) => t.occurredAt);
  }

  /** One transaction within the actor's ability; NOT_FOUND otherwise (audited when another tenant's). */
  async function get(ctx: ServiceContext, id: string): Promise<TransactionRecord> {
    const found = isUuid(id)
      ? await transactionRepository.findFirst(prisma, { AND: [scope(ctx, 'read', 'Transaction'), { id }] })
      : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'transaction.read', resource: 'Transaction', recordId: id }, () =>
        transactionRepository.unsafeFindTenantId(prisma, id),
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
    const account = await accountRepository.findFirst(prisma, { AND: [scope(ctx, 'read', 'Account'), { id: input.accountId }] });
    if (!account)
      throw await refuseInvisible(
        deps,
        ctx,
        { action: 'transaction.create', resource: 'Account', recordId: input.accountId },
        () => accountRepository.unsafeFindTenantId(prisma, input.accountId),
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
      const category = await prisma.category.findFirst({
        where: { AND: [scope(ctx, 'read', 'Category'), { id: categoryId, tenantId: account.tenantId }] },
        select: { id: true },
      });
      if (!category)
        throw await refuseInvisible(
          deps,
          ctx,
          { action: 'transaction.create', resource: 'Category', recordId: categoryId },
          async () =>
            (await prisma.category.findUnique({ where: { id: categoryId }, select: { tenantId: true } }))?.tenantId ?? null,
        );
    }
    return inTransaction(prisma, options, async (tx) => {
      const created = await transactionRepository.create(tx, {
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
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: account.tenantId,
        action: 'transaction.create',
        resource: 'Transaction',
        recordId: created.id,
        diff: diffRecords(null, created),
      });
      return created;
    });
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
    const original = await transactionRepository.findFirst(prisma, {
      AND: [scope(ctx, 'adjust', 'Transaction'), { id: input.transactionId }],
    });
    if (!original)
      throw await refuseInvisible(
        deps,
        ctx,
        { action: 'transaction.adjust', resource: 'Transaction', recordId: input.transactionId, reason: input.reason },
        () => transactionRepository.unsafeFindTenantId(prisma, input.transactionId),
      );
    if (original.kind === 'ADJUSTMENT') throw conflict('TRANSACTION.ADJUSTMENT_NOT_ADJUSTABLE');
    requireAmountFor(input.amount, original.currency);
    return inTransaction(prisma, options, async (tx) => {
      const created = await transactionRepository.create(tx, {
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
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId: original.tenantId,
        action: 'transaction.adjust',
        resource: 'Transaction',
        recordId: created.id,
        reason: input.reason,
        diff: diffRecords(null, created),
      });
      return created;
    });
  }

  return { list, get, create, postAdjustment };
}
