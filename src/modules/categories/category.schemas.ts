import { z } from 'zod';
import { PageQuery } from '../shared/keyset.js';
import { SafeText, Uuid } from '../shared/ledger.schemas.js';

export const CategoryKind = z.enum(['INCOME', 'EXPENSE', 'TRANSFER']);

export const CreateCategoryInput = z.object({
  tenantId: Uuid.optional(),
  name: SafeText(80),
  kind: CategoryKind.default('EXPENSE'),
});
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>;

export const CategoryListQuery = PageQuery.extend({ tenantId: Uuid.optional() });
export type CategoryListQuery = z.input<typeof CategoryListQuery>;

/** Renaming or reclassifying a category (names stay unique per tenant). */
export const UpdateCategoryInput = z.object({ name: SafeText(80).optional(), kind: CategoryKind.optional() }).strict();
export type UpdateCategoryInput = z.input<typeof UpdateCategoryInput>;
