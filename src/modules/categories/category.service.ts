import type { Category } from '@prisma/client';
import type { WriteOptions } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../lib/error-mapping.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { afterCursor, decodeCursor, toPage, type Page } from '../shared/keyset.js';
import { createTenantRecordService } from '../tenant-records/tenant-record.service.js';
import { isUuid, refuseInvisible, resolveTenantForCreate } from '../shared/ledger.guard.js';
import type { categoryRepository } from './category.repository.js';
import { CategoryListQuery, CreateCategoryInput, UpdateCategoryInput } from './category.schemas.js';

export type CategoryService = ReturnType<typeof createCategoryService>;

export function createCategoryService(deps: CoreDeps & { categories: typeof categoryRepository }) {
  const { db, audit, categories } = deps;

  /** Lists the categories the actor may read (system and user-defined), newest first. */
  async function list(ctx: ServiceContext, raw: CategoryListQuery = {}): Promise<Page<Category>> {
    const query = CategoryListQuery.parse(raw);
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await db.read(ctx, (s) =>
      categories.listVisible(
        s,
        { AND: [query.tenantId ? { tenantId: query.tenantId } : {}, afterCursor('createdAt', cursor)] },
        query.limit + 1,
      ),
    );
    return toPage(rows, query.limit, (c) => c.createdAt);
  }

  /** One category within the actor's ability; NOT_FOUND otherwise. */
  async function get(ctx: ServiceContext, id: string): Promise<Category> {
    const found = isUuid(id) ? await db.read(ctx, (s) => categories.findVisible(s, id)) : null;
    if (!found)
      throw await refuseInvisible(deps, ctx, { action: 'category.read', resource: 'Category', recordId: id }, (s) =>
        categories.unsafeFindTenantId(s, id),
      );
    return found;
  }

  /** Two concurrent writes of one name: the unique index decides, the loser hears 409. */
  async function nameUnique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('CATEGORY.NAME_TAKEN');
      throw err;
    }
  }

  /** Creates a user-defined category; names are unique per tenant (409 CATEGORY.NAME_TAKEN). */
  async function create(ctx: ServiceContext, raw: CreateCategoryInput, options: WriteOptions = {}): Promise<Category> {
    const input = CreateCategoryInput.parse(raw);
    const tenantId = await resolveTenantForCreate(deps, ctx, 'Category', input.tenantId, 'category.create');
    return nameUnique(() =>
      db.write(
        ctx,
        async (s) => {
          if (await categories.findVisibleByName(s, tenantId, input.name)) throw conflict('CATEGORY.NAME_TAKEN');
          const created = await categories.create(s, { tenantId, name: input.name, kind: input.kind, isSystem: false });
          await audit.record(s, {
            ...actorFields(ctx),
            tenantId,
            action: 'category.create',
            resource: 'Category',
            recordId: created.id,
            diff: diffRecords(null, created),
          });
          return created;
        },
        options,
      ),
    );
  }

  const records = createTenantRecordService<Category, typeof CreateCategoryInput, typeof UpdateCategoryInput>(deps, {
    subject: 'Category',
    resource: 'category',
    repository: categories,
    createSchema: CreateCategoryInput,
    updateSchema: UpdateCategoryInput,
    checkUpdate: async (s, before, input) => {
      if (input.name && (await categories.findVisibleByName(s, before.tenantId, input.name, before.id)))
        throw conflict('CATEGORY.NAME_TAKEN');
    },
    uniqueCode: 'CATEGORY.NAME_TAKEN',
    inUseCode: 'CATEGORY.IN_USE',
  });

  return {
    list,
    get,
    create,
    /** Renames or reclassifies a category within the ability (names stay unique per tenant). */
    update: records.update,
    /** Deletes a category nothing refers to (409 CATEGORY.IN_USE when transactions or budgets do). */
    remove: records.remove,
    /** Deletes several categories at once, all or nothing, with one audit event. */
    removeMany: records.removeMany,
  };
}
