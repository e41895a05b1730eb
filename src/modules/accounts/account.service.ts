import type { Account } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { Decimal } from '../../lib/money.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { inTransaction, type WriteOptions } from '../idempotency/unit-of-work.js';
import type { CoreDeps } from '../shared/deps.js';
import { scope } from '../shared/guard.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../transactions/keyset.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../transactions/ledger.guard.js';
import { accountRepository } from './account.repository.js';
import { AccountListQuery, CreateAccountInput } from './account.schemas.js';

export type AccountWithBalance = Account & { balance: Decimal };
export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  async function withBalances(accounts: Account[]): Promise<AccountWithBalance[]> {
    const balances = await accountRepository.balances(prisma, accounts);
    return accounts.map((a) => ({ ...a, balance: balances.get(a.id) ?? new Decimal(0) }));
  }

  /** Lists the accounts the actor may read, newest first, each with its computed balance. */
  async function list(ctx: ServiceContext, raw: AccountListQuery = {}): Promise<Page<AccountWithBalance>> {
    const query = AccountListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await accountRepository.list(
      prisma,
      {
        AND: [
          scope(ctx, 'read', 'Account'),
          query.tenantId ? { tenantId: query.tenantId } : {},
          afterCursor('createdAt', cursor),
        ],
      },
      query.limit + 1,
    );
    const page = toPage(rows, query.limit, (a) => a.createdAt);
    return { data: await withBalances(page.data), nextCursor: page.nextCursor };
  }

  /** One account within the actor's ability, with its computed balance; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<AccountWithBalance> {
    const account = isUuid(id)
      ? await accountRepository.findFirst(prisma, { AND: [scope(ctx, 'read', 'Account'), { id }] })
      : null;
    if (!account)
      throw await refuseInvisible(deps, ctx, { action: 'account.read', resource: 'Account', recordId: id }, () =>
        accountRepository.unsafeFindTenantId(prisma, id),
      );
    return (await withBalances([account]))[0]!;
  }

  /** Opens an account (balance zero) in the actor's tenant; audited in the same transaction. */
  async function create(ctx: ServiceContext, raw: CreateAccountInput, options: WriteOptions = {}): Promise<AccountWithBalance> {
    const input = CreateAccountInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Account', input.tenantId, 'account.create');
    const account = await inTransaction(prisma, options, async (tx) => {
      const created = await accountRepository.create(tx, {
        tenantId,
        name: input.name,
        type: input.type,
        currency: input.currency,
        institution: input.institution ?? null,
      });
      await audit.record(tx, {
        ...actorFields(ctx),
        tenantId,
        action: 'account.create',
        resource: 'Account',
        recordId: created.id,
        diff: diffRecords(null, created),
      });
      return created;
    });
    return { ...account, balance: new Decimal(0) };
  }

  return { list, get, create };
}
