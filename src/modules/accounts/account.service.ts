import type { Account } from '@prisma/client';
import type { WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import { Decimal } from '../../lib/money.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../shared/keyset.js';
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

  /** Renames, re-describes or archives an account within the ability; audited with its diff. */
  async function update(ctx: ServiceContext, id: string, raw: UpdateAccountInput): Promise<Account> {
    const input = UpdateAccountInput.parse(raw);
    const action = 'account.update';
    await requireAbility(deps, ctx, 'update', 'Account', { action, recordId: id });
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await accounts.lockVisible(s, id, 'update') : null;
      if (!before) return null;
      const after = (await accounts.updateVisible(s, id, input))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'Account',
        recordId: id,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'Account', recordId: id });
    return result;
  }

  /**
   * Deletes an account that has no ledger entries (409 ACCOUNT.HAS_TRANSACTIONS otherwise: the
   * ledger is append-only, so such an account is archived instead).
   */
  async function remove(ctx: ServiceContext, id: string): Promise<Account> {
    const action = 'account.delete';
    await requireAbility(deps, ctx, 'delete', 'Account', { action, recordId: id });
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await accounts.lockVisible(s, id, 'delete') : null;
      if (!before) return null;
      if (await accounts.unsafeHasTransactions(s, id)) throw conflict('ACCOUNT.HAS_TRANSACTIONS');
      await accounts.deleteVisible(s, id);
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'Account',
        recordId: id,
        diff: diffRecords(before, null),
      });
      return before;
    });
    if (!result) throw await deny(deps, ctx, { action, resource: 'Account', recordId: id });
    return result;
  }

  return { list, get, create, update, remove };
}
