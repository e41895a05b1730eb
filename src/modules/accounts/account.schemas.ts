import { z } from 'zod';
import { PageQuery } from '../shared/keyset.js';
import { CurrencyCode, InstantInput, SafeText, Uuid } from '../shared/ledger.schemas.js';

export const AccountType = z.enum(['BANK', 'WALLET', 'CASH', 'CREDIT_CARD', 'LOAN', 'INVESTMENT']);
export type AccountType = z.infer<typeof AccountType>;

export const AccountName = SafeText(120);

/** A new financial account. `tenantId` is taken from a tenant user's own context. */
export const CreateAccountInput = z.object({
  tenantId: Uuid.optional(),
  name: AccountName,
  type: AccountType,
  currency: CurrencyCode,
  institution: SafeText(120).nullish(),
});
export type CreateAccountInput = z.input<typeof CreateAccountInput>;

export const AccountListQuery = PageQuery.extend({ tenantId: Uuid.optional() });
export type AccountListQuery = z.input<typeof AccountListQuery>;

/** Changes to an account: its name, institution, or archiving it (the currency and type are fixed). */
export const UpdateAccountInput = z
  .object({
    name: AccountName.optional(),
    institution: SafeText(120).nullish(),
    archivedAt: InstantInput.nullish(),
  })
  .strict();
export type UpdateAccountInput = z.input<typeof UpdateAccountInput>;
