import type { Category } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import { inTransaction, type WriteOptions } from '../idempotency/unit-of-work.js';
import type { CoreDeps } from '../shared/deps.js';
import { scope } from '../shared/guard.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../transactions/keyset.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../transactions/ledger.guard.js';
import { categoryRepository } from './category.repository.js';
import { CategoryListQuery, CreateCategoryInput } from './category.schemas.js';

export type CategoryService = ReturnType<typeof createCategoryService>;

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return e.code === 'P2002' || e.meta?.driverAdapterError?.cause?.originalCode === '23505';
};

export function createCategoryService(deps: CoreDeps) {
  const { prisma, audit } = deps;

  /** Lists the categories the actor may read (system and user-defined), newest first. */
  async function list(ctx: ServiceContext, raw: CategoryListQuery = {}): Promise<Page<Category>> {
    const query = CategoryListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await categoryRepository.list(
      prisma,
      {
        AND: [
          scope(ctx, 'read', 'Category'),
          query.tenantId ? { tenantId: query.tenantId } : {},
          afterCursor('createdAt', cursor),
        ],
      },
      query.limit + 1,
    );
    return toPage(rows, query.limit, (c) => c.createdAt);
  }

  /** One category within the actor's ability; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<Category> {
    const found = isUuid(id)
      ? await categoryRepository.findFirst(prisma, { AND: [scope(ctx, 'read', 'Category'), { id }] })
      : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'category.read', resource: 'Category', recordId: id }, () =>
        categoryRepository.unsafeFindTenantId(prisma, id),
      );
    return found;
  }

  /** Creates a user-defined category; names are unique per tenant (409 CATEGORY.NAME_TAKEN). */
  async function create(ctx: ServiceContext, raw: CreateCategoryInput, options: WriteOptions = {}): Promise<Category> {
    const input = CreateCategoryInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Category', input.tenantId, 'category.create');
    const run = () =>
      inTransaction(prisma, options, async (tx) => {
        const clash = await categoryRepository.findFirst(tx, { tenantId, name: input.name });
        if (clash) throw conflict('CATEGORY.NAME_TAKEN');
        const created = await categoryRepository.create(tx, { tenantId, name: input.name, kind: input.kind, isSystem: false });
        await audit.record(tx, {
          ...actorFields(ctx),
          tenantId,
          action: 'category.create',
          resource: 'Category',
          recordId: created.id,
          diff: diffRecords(null, created),
        });
        return created;
      });
    try {
      return await run();
    } catch (err) {
      // Two concurrent creations of one name: the unique index decides, the loser hears 409.
      if (isUniqueViolation(err)) throw conflict('CATEGORY.NAME_TAKEN');
      throw err;
    }
  }

  return { list, get, create };
}
