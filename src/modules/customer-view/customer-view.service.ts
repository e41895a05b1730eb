import type { Transaction } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { notFound } from '../../lib/errors.js';
import { displayMoney } from '../../lib/money.js';
import { tenantScopeOf } from '../access/ability.js';
import type { AccountService } from '../accounts/account.service.js';
import type { AdminRecordService } from '../admin-records/admin-records.service.js';
import { isMaskedFor } from '../reveal/reveal.mask.js';
import type { RevealService } from '../reveal/reveal.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { customerViewRepository } from './customer-view.repository.js';
import { TenantSearchInput } from './customer-view.schemas.js';

/** A money movement as support reads it: signed, in its currency, in the staff member's locale. */
export interface MovementView {
  id: string;
  occurredAt: string;
  account: { id: string; name: string } | null;
  category: { id: string; name: string } | null;
  amount: string;
  direction: 'CREDIT' | 'DEBIT';
  kind: string;
  description: string | null;
}

export interface TenantOverview {
  tenant: { id: string; name: string; slug: string; status: string };
  users: Array<{ id: string; email: string; name: string | null; role: string; status: string; lastLoginAt: string | null }>;
  usersTotal: number;
  usersMore: boolean;
  accounts: Array<{ id: string; name: string; type: string; currency: string; balance: string; archived: boolean }>;
  transactions: MovementView[];
  grants: Array<{ id: string; staff: string | null; reason: string; expiresAt: string }>;
  history: Array<{
    id: string;
    occurredAt: string;
    action: string;
    actorType: string;
    actorRole: string | null;
    reason: string | null;
  }>;
}

export interface AccountOverview {
  account: { id: string; name: string; currency: string; tenantId: string };
  balance: string;
  transactions: MovementView[];
}

export interface TransactionOverview {
  transaction: MovementView & { currency: string };
  adjustments: MovementView[];
  /** The original with its corrections, signed, in its currency. */
  net: string;
}

export interface GrantSummary {
  id: string;
  tenant: { id: string; name: string; slug: string; status: string } | null;
  reason: string;
  expiresAt: string;
}

export interface TenantSearchHit {
  id: string;
  name: string;
  slug: string;
  status: string;
  /** What matched: the slug, the name, or (else) one of its users' email. */
  matchedBy: 'slug' | 'name' | 'email';
}

export interface CustomerViewDeps extends Pick<CoreDeps, 'db'> {
  views: typeof customerViewRepository;
  adminRecords: Pick<AdminRecordService, 'list' | 'count'>;
  accounts: Pick<AccountService, 'list' | 'get'>;
  reveal: Pick<RevealService, 'maskForActor'>;
}

export type CustomerViewService = ReturnType<typeof createCustomerViewService>;

const TRANSACTIONS_SHOWN = 10;
const USERS_SHOWN = 20;

/** Signed money: debits negative, credits with a plus. */
function signed(amount: { toString(): string }, direction: string, currency: string, locale: string): string {
  const text = amount.toString().replace(/^-/, '');
  const shown = displayMoney(direction === 'DEBIT' ? `-${text}` : text, currency.trim(), locale);
  return direction === 'CREDIT' ? `+${shown}` : shown;
}

/**
 * Support's customer view: a tenant with its users, accounts and balances, recent transactions,
 * grants and status history; an account with its balance; a transaction with its corrections;
 * the tenant search box; a support agent's own grants. Every read carries the staff member's
 * ability in its query (a tenant outside their grants is not found), and personal data is
 * masked for masked roles exactly as in the lists (the users' list is the audited admin list).
 */
export function createCustomerViewService(deps: CustomerViewDeps) {
  const { db, views, adminRecords, accounts, reveal } = deps;

  async function movements(ctx: ServiceContext, rows: Transaction[]): Promise<MovementView[]> {
    const [accountRows, categoryRows] = await db.read(ctx, (s) =>
      Promise.all([
        views.accountNames(s, [...new Set(rows.map((r) => r.accountId))]),
        views.categoryNames(s, [...new Set(rows.map((r) => r.categoryId).filter((id): id is string => id !== null))]),
      ]),
    );
    const accountsById = new Map(accountRows.map((a) => [a.id, a]));
    const categoriesById = new Map(categoryRows.map((c) => [c.id, c]));
    return rows.map((r) => ({
      id: r.id,
      occurredAt: r.occurredAt.toISOString(),
      account: accountsById.has(r.accountId) ? { id: r.accountId, name: accountsById.get(r.accountId)!.name } : null,
      category:
        r.categoryId && categoriesById.has(r.categoryId)
          ? { id: r.categoryId, name: categoriesById.get(r.categoryId)!.name }
          : null,
      amount: signed(r.amount, r.direction, r.currency, ctx.locale),
      direction: r.direction,
      kind: r.kind,
      description: r.description,
    }));
  }

  /** A tenant as support works on it; NOT_FOUND when it is outside the staff member's ability. */
  async function tenant(ctx: ServiceContext, tenantId: string, now = new Date()): Promise<TenantOverview> {
    const found = isUuid(tenantId) ? await db.read(ctx, (s) => views.findTenant(s, tenantId)) : null;
    if (!found) throw notFound('Tenant');
    const [shownTenant] = await reveal.maskForActor(ctx, 'Tenant', [found]);
    const byTenant = [{ field: 'tenantId', op: 'equals' as const, value: tenantId }];
    const [users, usersCount, accountPage, recent, grants, history] = await Promise.all([
      adminRecords.list(ctx, 'User', { filters: byTenant, take: USERS_SHOWN }),
      adminRecords.count(ctx, 'User', { filters: byTenant }),
      accounts.list(ctx, { tenantId, limit: 100 }),
      db.read(ctx, (s) => views.recentTransactionsOf(s, tenantId, TRANSACTIONS_SHOWN)),
      db.read(ctx, (s) => views.activeGrantsOf(s, tenantId, now)),
      db.read(ctx, (s) => views.unsafeTenantStatusHistory(s, tenantId, 20)),
    ]);
    const staff = await db.read(ctx, (s) => views.staffAmong(s, [...new Set(grants.map((g) => g.staffUserId))]));
    const staffById = new Map(staff.map((m) => [m.id, m.name ?? m.email]));
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      tenant: { id: found.id, name: shownTenant!.name, slug: found.slug, status: found.status },
      users: users.map((u) => ({
        id: String(u.id),
        email: String(u.email),
        name: str(u.name),
        role: String(u.role),
        status: String(u.status),
        lastLoginAt: u.lastLoginAt instanceof Date ? u.lastLoginAt.toISOString() : null,
      })),
      usersTotal: usersCount.count,
      usersMore: usersCount.capped || usersCount.count > users.length,
      accounts: accountPage.data.map((a) => ({
        id: a.id,
        name: a.name,
        type: a.type,
        currency: a.currency,
        balance: displayMoney(a.balance, a.currency.trim(), ctx.locale),
        archived: a.archivedAt !== null,
      })),
      transactions: await movements(ctx, recent),
      grants: grants.map((g) => ({
        id: g.id,
        staff: staffById.get(g.staffUserId) ?? null,
        reason: g.reason,
        expiresAt: g.expiresAt.toISOString(),
      })),
      history: history.map((h) => ({
        id: h.id.toString(),
        occurredAt: h.occurredAt.toISOString(),
        action: h.action,
        actorType: h.actorType,
        actorRole: h.actorRole,
        reason: h.reason,
      })),
    };
  }

  /** An account with its balance (from the ledger) and newest transactions; NOT_FOUND outside the ability. */
  async function account(ctx: ServiceContext, accountId: string): Promise<AccountOverview> {
    const found = await accounts.get(ctx, accountId);
    const recent = await db.read(ctx, (s) => views.recentTransactionsOfAccount(s, found.tenantId, found.id, TRANSACTIONS_SHOWN));
    return {
      account: { id: found.id, name: found.name, currency: found.currency, tenantId: found.tenantId },
      balance: displayMoney(found.balance, found.currency.trim(), ctx.locale),
      transactions: await movements(ctx, recent),
    };
  }

  /** A transaction with the corrections posted on it and the net effect; NOT_FOUND outside the ability. */
  async function transaction(ctx: ServiceContext, transactionId: string): Promise<TransactionOverview> {
    const found = isUuid(transactionId) ? await db.read(ctx, (s) => views.findTransaction(s, transactionId)) : null;
    if (!found) throw notFound('Transaction');
    const adjustments = await db.read(ctx, (s) => views.adjustmentsOf(s, found.tenantId, found.id));
    const [original, ...corrections] = await movements(ctx, [found, ...adjustments]);
    const net = [found, ...adjustments].reduce(
      (sum, t) => (t.direction === 'CREDIT' ? sum.plus(t.amount) : sum.minus(t.amount)),
      found.amount.minus(found.amount),
    );
    return {
      transaction: { ...original!, currency: found.currency.trim() },
      adjustments: corrections,
      net: (net.isNegative() ? '' : '+') + displayMoney(net, found.currency.trim(), ctx.locale),
    };
  }

  /**
   * Finds tenants by part of their name or slug or of one of their users' email, among the
   * tenants the staff member may read (a support agent: its granted tenants), in one query.
   * Personal data a role sees masked is no search key (that would reveal it): then slug only.
   */
  async function searchTenants(ctx: ServiceContext, raw: TenantSearchInput): Promise<TenantSearchHit[]> {
    const input = TenantSearchInput.parse(raw);
    const fields = { name: !isMaskedFor(ctx, 'Tenant'), email: !isMaskedFor(ctx, 'User') };
    const hits = await db.read(ctx, (s) => views.searchTenants(s, input.q, fields, input.limit));
    const needle = input.q.toLowerCase();
    const shown = await reveal.maskForActor(ctx, 'Tenant', hits);
    return shown.map((t, i) => ({
      id: t.id,
      name: t.name,
      slug: t.slug,
      status: t.status,
      matchedBy: t.slug.toLowerCase().includes(needle)
        ? ('slug' as const)
        : fields.name && hits[i]!.name.toLowerCase().includes(needle)
          ? ('name' as const)
          : ('email' as const),
    }));
  }

  /** A tenant-scoped staff member's running grants, by tenant name, soonest expiry first (others: none). */
  async function myGrants(ctx: ServiceContext, now = new Date()): Promise<GrantSummary[]> {
    if (ctx.actor.type !== 'STAFF' || tenantScopeOf(ctx.actor).kind !== 'tenants') return [];
    const staffId = ctx.actor.id;
    const { grants, tenants } = await db.read(ctx, async (s) => {
      const own = await views.activeGrantsOfStaff(s, staffId, now);
      return { grants: own, tenants: await views.tenantsAmong(s, [...new Set(own.map((g) => g.tenantId))]) };
    });
    const shown = new Map((await reveal.maskForActor(ctx, 'Tenant', tenants)).map((t) => [t.id, t]));
    return grants.map((g) => ({
      id: g.id,
      tenant: shown.get(g.tenantId) ?? null,
      reason: g.reason,
      expiresAt: g.expiresAt.toISOString(),
    }));
  }

  return { tenant, account, transaction, searchTenants, myGrants };
}
