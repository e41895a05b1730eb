import type { Category, Tenant, User } from '@prisma/client';
import { Decimal, formatAmount, minorUnits } from '../../lib/money.js';
import type { AccountWithBalance } from '../../modules/accounts/account.service.js';
import type { BudgetWithSpending } from '../../modules/budgets/budget.service.js';
import type { TransactionRecord } from '../../modules/transactions/transaction.repository.js';

/** Domain records → the API's snake_case JSON. Amounts are strings with the currency's decimals. */

const iso = (d: Date) => d.toISOString();

/**
 * formatAmount for a stored decimal (Prisma's Decimal): one rounding step, half-even, to the
 * currency's scale — the same result as formatAmount (tests/api/unit.test.ts), without the
 * intermediate copies, because lists format up to 100 amounts per request.
 */
export function formatStoredAmount(amount: { toFixed(dp: number, rm: number): string }, currency: string): string {
  return amount.toFixed(minorUnits(currency), Decimal.ROUND_HALF_EVEN);
}
const day = (d: Date) => d.toISOString().slice(0, 10);

export function transactionJson(t: TransactionRecord) {
  return {
    id: t.id,
    account_id: t.accountId,
    category_id: t.categoryId,
    amount: formatStoredAmount(t.amount, t.currency),
    currency: t.currency,
    direction: t.direction,
    occurred_at: iso(t.occurredAt),
    description: t.description,
    kind: t.kind,
    adjusts_transaction_id: t.adjustsTransactionId,
  };
}

export function accountJson(a: AccountWithBalance) {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    currency: a.currency,
    institution: a.institution,
    balance: formatAmount(a.balance, a.currency),
    created_at: iso(a.createdAt),
  };
}

export function categoryJson(c: Category) {
  return { id: c.id, name: c.name, kind: c.kind, is_system: c.isSystem, created_at: iso(c.createdAt) };
}

export function budgetJson(b: BudgetWithSpending) {
  return {
    id: b.id,
    category_id: b.categoryId,
    name: b.name,
    amount: formatAmount(b.amount.toString(), b.currency),
    currency: b.currency,
    period: b.period,
    starts_on: day(b.startsOn),
    ends_on: b.endsOn ? day(b.endsOn) : null,
    period_start: day(b.currentPeriod.start),
    period_end: day(new Date(b.currentPeriod.end.getTime() - 86_400_000)),
    spent: formatAmount(b.spent, b.currency),
    remaining: formatAmount(b.remaining, b.currency),
    created_at: iso(b.createdAt),
  };
}

export function meJson(u: User & { tenant: Tenant }) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.status,
    locale: u.locale,
    phone: u.phone,
    email_verified: u.emailVerifiedAt !== null,
    pending_email: u.pendingEmail,
    terms_version: u.termsVersion,
    terms_accepted_at: u.termsAcceptedAt ? iso(u.termsAcceptedAt) : null,
    created_at: iso(u.createdAt),
    tenant: {
      id: u.tenant.id,
      name: u.tenant.name,
      slug: u.tenant.slug,
      status: u.tenant.status,
      base_currency: u.tenant.baseCurrency,
    },
  };
}

export function tokenPairJson(p: { accessToken: string; refreshToken: string; tokenType: 'Bearer'; expiresIn: number }) {
  return { access_token: p.accessToken, refresh_token: p.refreshToken, token_type: p.tokenType, expires_in: p.expiresIn };
}
