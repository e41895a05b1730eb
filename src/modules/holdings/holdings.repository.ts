import type { Asset, Liability, Loan, Prisma } from '@prisma/client';
import { tenantOwnedRepository } from '../tenant-records/tenant-owned.repository.js';

/** The only code that touches Asset: every query within the session's ability. */
export const assetRepository = tenantOwnedRepository<
  Asset,
  Prisma.AssetUncheckedCreateInput,
  Prisma.AssetUncheckedUpdateManyInput
>('asset', 'Asset');

/** The only code that touches Liability: every query within the session's ability. */
export const liabilityRepository = tenantOwnedRepository<
  Liability,
  Prisma.LiabilityUncheckedCreateInput,
  Prisma.LiabilityUncheckedUpdateManyInput
>('liability', 'Liability');

/** The only code that touches Loan: every query within the session's ability. */
export const loanRepository = tenantOwnedRepository<Loan, Prisma.LoanUncheckedCreateInput, Prisma.LoanUncheckedUpdateManyInput>(
  'loan',
  'Loan',
);
