import type { Account } from '@prisma/client';
import type { WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import { Decimal } from '../../lib/money.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../shared/keyset.js';
import { createTenantRecordService } from '../tenant-records/tenant-record.service.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../shared/ledger.guard.js';
import type { accountRepository } from './account.repository.js';
import { AccountListQuery, CreateAccountInput, UpdateAccountInput } from './account.schemas.js';

export type AccountWithBalance = Account & { balance: Decimal };
export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(deps: CoreDeps & { accounts: typeof accountRepository }) {
  const { db, audit, accounts } = deps;

  /** Lists the accounts the actor may read, newest first, each with its computed balance. */
  async function list(ctx: ServiceContext, raw: AccountListQuery = {}): Promise<Page<AccountWithBalance>> {
    const query = AccountListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    return db.read(ctx, async (s) => {
      const rows = await accounts.listVisible(
        s,
        { AND: [query.tenantId ? { tenantId: query.tenantId } : {}, afterCursor('createdAt', cursor)] },
        query.limit + 1,
      );
      const page = toPage(rows, query.limit, (a) => a.createdAt);
      const balances = await accounts.balances(s, page.data);
      return {
        data: page.data.map((a) => ({ ...a, balance: balances.get(a.id) ?? new Decimal(0) })),
        nextCursor: page.nextCursor,
      };
    });
  }

  /** One account within the actor's ability, with its computed balance; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<AccountWithBalance> {
    const found = await db.read(ctx, async (s) => {
      const account = isUuid(id) ? await accounts.findVisible(s, id) : null;
      if (!account) return null;
      const balances = await accounts.balances(s, [account]);
      return { ...account, balance: balances.get(account.id) ?? new Decimal(0) };
    });
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'account.read', resource: 'Account', recordId: id }, (s) =>
        accounts.unsafeFindTenantId(s, id),
      );
    return found;
  }

  /** Opens an account (balance zero) in the actor's tenant; audited in the same transaction. */
  async function create(ctx: ServiceContext, raw: CreateAccountInput, options: WriteOptions = {}): Promise<AccountWithBalance> {
    const input = CreateAccountInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Account', input.tenantId, 'account.create');
    return db.write(
      ctx,
      async (s) => {
        const created = await accounts.create(s, {
          tenantId,
          name: input.name,
          type: input.type,
          currency: input.currency,
          institution: input.institution ?? null,
        });
        await audit.record(s, {
          ...actorFields(ctx),
          tenantId,
          action: 'account.create',
          resource: 'Account',
          recordId: created.id,
          diff: diffRecords(null, created),
        });
        return { ...created, balance: new Decimal(0) };
      },
      options,
    );
  }

  const records = createTenantRecordService<Account, typeof CreateAccountInput, typeof UpdateAccountInput>(deps, {
    subject: 'Account',
    resource: 'account',
    repository: accounts,
    createSchema: CreateAccountInput,
    updateSchema: UpdateAccountInput,
    // The ledger is append-only: an account with entries is archived, never deleted.
    checkDelete: async (s, before) => {
      if (await accounts.unsafeHasTransactions(s, before.id)) throw conflict('ACCOUNT.HAS_TRANSACTIONS');
    },
  });

  return {
    list,
    get,
    create,
    /** Renames, re-describes or archives an account within the ability; audited with its diff. */
    update: records.update,
    /** Deletes an account without ledger entries (409 ACCOUNT.HAS_TRANSACTIONS otherwise). */
    remove: records.remove,
    /** Deletes several accounts at once, all or nothing, with one audit event. */
    removeMany: records.removeMany,
  };
}
