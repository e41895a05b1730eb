import type { Asset, Liability, Loan } from '@prisma/client';
import { validation } from '../../lib/errors.js';
import type { CoreDeps } from '../shared/deps.js';
import { amountDetail, checkAmount } from '../shared/ledger.schemas.js';
import { createTenantRecordService } from '../tenant-records/tenant-record.service.js';
import type { assetRepository, liabilityRepository, loanRepository } from './holdings.repository.js';
import {
  CreateAssetInput,
  CreateLiabilityInput,
  CreateLoanInput,
  UpdateAssetInput,
  UpdateLiabilityInput,
  UpdateLoanInput,
} from './holdings.schemas.js';

/** Throws VALIDATION_ERROR unless each amount fits the currency's decimals. */
function requireScale(currency: string, amounts: Record<string, string | undefined>): void {
  const problems = Object.entries(amounts).flatMap(([field, amount]) => {
    const problem = amount === undefined ? null : checkAmount(amount, currency);
    return problem ? [amountDetail(field, problem)] : [];
  });
  if (problems.length) throw validation(problems);
}

export interface HoldingsDeps extends CoreDeps {
  assets: typeof assetRepository;
  liabilities: typeof liabilityRepository;
  loans: typeof loanRepository;
}

/**
 * What a household owns and owes: assets, liabilities, and loans (a liability with a repayment
 * schedule, in the liability's tenant and currency). Admin and CLI go through these functions.
 */
export function createHoldingsServices(deps: HoldingsDeps) {
  const assets = createTenantRecordService<Asset, typeof CreateAssetInput, typeof UpdateAssetInput>(deps, {
    subject: 'Asset',
    resource: 'asset',
    repository: deps.assets,
    createSchema: CreateAssetInput,
    updateSchema: UpdateAssetInput,
    checkUpdate: (_s, before, input) => requireScale(before.currency, { value: input.value }),
  });
  const liabilities = createTenantRecordService<Liability, typeof CreateLiabilityInput, typeof UpdateLiabilityInput>(deps, {
    subject: 'Liability',
    resource: 'liability',
    repository: deps.liabilities,
    createSchema: CreateLiabilityInput,
    updateSchema: UpdateLiabilityInput,
    checkUpdate: (_s, before, input) => requireScale(before.currency, { amount: input.amount }),
    inUseCode: 'LIABILITY.HAS_LOAN',
  });
  const loans = createTenantRecordService<Loan, typeof CreateLoanInput, typeof UpdateLoanInput>(deps, {
    subject: 'Loan',
    resource: 'loan',
    repository: deps.loans,
    createSchema: CreateLoanInput,
    updateSchema: UpdateLoanInput,
    checkCreate: async (s, input) => {
      const liability = await deps.liabilities.findVisible(s, input.liabilityId);
      if (!liability || liability.tenantId !== input.tenantId)
        throw validation([{ field: 'liabilityId', code: 'not_found', message: 'No such liability in this tenant' }]);
      if (liability.currency.trim() !== input.currency)
        throw validation([
          { field: 'currency', code: 'currency_mismatch', message: `The liability's currency is ${liability.currency}` },
        ]);
    },
    checkUpdate: (_s, before, input) => requireScale(before.currency, { paymentAmount: input.paymentAmount }),
  });
  return { assets, liabilities, loans };
}
