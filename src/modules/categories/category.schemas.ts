import { z } from 'zod';
import { PageQuery } from '../transactions/keyset.js';
import { SafeText, Uuid } from '../transactions/ledger.schemas.js';

export const CategoryKind = z.enum(['INCOME', 'EXPENSE', 'TRANSFER']);

export const CreateCategoryInput = z.object({
  tenantId: Uuid.optional(),
  name: SafeText(80),
  kind: CategoryKind.default('EXPENSE'),
});
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>;

export const CategoryListQuery = PageQuery.extend({ tenantId: Uuid.optional() });
export type CategoryListQuery = z.input<typeof CategoryListQuery>;
