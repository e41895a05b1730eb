import { z } from 'zod';
import { PageQuery } from '../shared/keyset.js';
import { AmountString, CurrencyCode, InstantInput, refineScale, SafeText, Uuid } from '../shared/ledger.schemas.js';

export { InstantInput };

export const Direction = z.enum(['CREDIT', 'DEBIT']);
export type Direction = z.infer<typeof Direction>;

/** Filters of a transaction list; `from` is inclusive and `to` exclusive. */
export const TransactionFilters = PageQuery.extend({
  /** Staff only: narrow to one tenant (still within the actor's ability). */
  tenantId: Uuid.optional(),
  accountId: Uuid.optional(),
  categoryId: Uuid.optional(),
  from: InstantInput.optional(),
  to: InstantInput.optional(),
  direction: Direction.optional(),
});
export type TransactionFilters = z.input<typeof TransactionFilters>;

/** A new regular transaction. The currency, when given, must be the account's. */
export const CreateTransactionInput = z
  .object({
    accountId: Uuid,
    categoryId: Uuid.nullish(),
    amount: AmountString,
    currency: CurrencyCode.optional(),
    direction: Direction,
    occurredAt: InstantInput.optional(),
    description: SafeText(500).nullish(),
  })
  .superRefine((v, ctx) => refineScale(ctx, v.amount, v.currency, 'amount'));
export type CreateTransactionInput = z.input<typeof CreateTransactionInput>;

/** A correcting entry on an existing transaction (same tenant, account and currency). */
export const PostAdjustmentInput = z.object({
  transactionId: Uuid,
  amount: AmountString,
  direction: Direction,
  description: SafeText(500).nullish(),
  reason: SafeText(2000, 3),
});
export type PostAdjustmentInput = z.input<typeof PostAdjustmentInput>;
