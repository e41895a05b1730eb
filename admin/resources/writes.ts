import type { z } from 'zod';
import type { ServiceContext } from '../../src/lib/context.js';
import { CreateAccountInput, UpdateAccountInput } from '../../src/modules/accounts/account.schemas.js';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import type { Row } from '../../src/modules/admin-records/admin-records.service.js';
import { columnsOf, type FieldMeta } from '../../src/modules/admin-records/model-metadata.js';
import { CreateBudgetInput, UpdateBudgetInput } from '../../src/modules/budgets/budget.schemas.js';
import { CreateCategoryInput, UpdateCategoryInput } from '../../src/modules/categories/category.schemas.js';
import {
  CreateAssetInput,
  CreateLiabilityInput,
  CreateLoanInput,
  UpdateAssetInput,
  UpdateLiabilityInput,
  UpdateLoanInput,
} from '../../src/modules/holdings/holdings.schemas.js';
import { CreateTenantInput, UpdateTenantInput } from '../../src/modules/tenants/tenant.schemas.js';
import { CreateUserInput, UpdateUserProfileInput } from '../../src/modules/users/user.schemas.js';
import { CreateRecurringRuleInput, UpdateRecurringRuleInput } from '../../src/modules/recurring/recurring.schemas.js';
import { CreateStaffInput, UpdateStaffInput } from '../../src/modules/staff/staff.schemas.js';
import { CreateFeatureFlagInput, UpdateFeatureFlagInput } from '../../src/modules/feature-flags/feature-flag.schemas.js';
import { UpdateApprovalPolicyInput } from '../../src/modules/approvals/approval.schemas.js';
import type { Services } from '../../src/services.js';
import { callService } from '../adapter/errors.js';

/**
 * The admin's one door for writes: for each model, which domain service function creates,
 * changes and deletes its records, and which fields its forms carry (the keys of the same zod
 * schema the API and the CLI use). This file only turns AdminJS form values into typed input;
 * every rule is the service's.
 */
export interface ModelWrites {
  create?: { fields: readonly string[]; run: (ctx: ServiceContext, input: Record<string, unknown>) => Promise<unknown> };
  update?: {
    fields: readonly string[];
    run: (ctx: ServiceContext, id: string, input: Record<string, unknown>) => Promise<unknown>;
  };
  remove?: (ctx: ServiceContext, id: string) => Promise<unknown>;
  removeMany?: (ctx: ServiceContext, ids: string[]) => Promise<unknown>;
}

/** The keys of a zod object schema (or of the object a pipe starts from): the fields a form sends for it. */
const keysOf = (schema: z.ZodType): string[] => {
  const s = schema as unknown as { shape?: object; in?: z.ZodType };
  if (s.shape) return Object.keys(s.shape);
  if (s.in) return keysOf(s.in);
  throw new Error('A write schema must be a zod object');
};

/** Fields a form sends that the service never receives (the service reads them from the session). */
const FORM_ONLY = new Set(['id', 'createdAt', 'updatedAt']);

/**
 * A form value as the service input expects it, by the column's type: '' is "no value", numbers,
 * booleans and dates are converted when they read as such. Anything that does not read as its
 * type is passed on unchanged, so the service's schema refuses it with the same error the API
 * gives for the same value.
 */
function formValue(column: FieldMeta | undefined, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  if (column?.isList) {
    const items = raw === '' || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    return items.filter((v) => v !== '' && v !== null && v !== undefined).map((v) => formValue({ ...column, isList: false }, v));
  }
  if (raw === '' || raw === null) return null;
  if (!column || typeof raw !== 'string') return raw;
  const text = raw.trim();
  switch (column.type) {
    case 'Int':
      return /^-?\d{1,10}$/.test(text) ? Number(text) : raw;
    case 'Boolean':
      return text === 'true' ? true : text === 'false' ? false : raw;
    case 'DateTime': {
      const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text);
      return Number.isNaN(date.getTime()) ? raw : date;
    }
    default:
      return raw;
  }
}

/** The service input of a form: only the schema's fields, each converted by its column's type. */
export function formInput(
  model: AdminModel,
  fields: readonly string[],
  params: Record<string, unknown>,
): Record<string, unknown> {
  const columns = columnsOf(model);
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    if (FORM_ONLY.has(field) || !(field in params)) continue;
    const value = formValue(columns.get(field), params[field]);
    // An optional field left empty on a `new` form is "not given", as in the API.
    if (value !== undefined) input[field] = value;
  }
  return input;
}

/** Drops nulls (empty form fields) from creation input: absent and empty mean the same there. */
const present = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));

function creating<S extends z.ZodType>(
  model: AdminModel,
  schema: S,
  run: (ctx: ServiceContext, input: z.input<S>) => Promise<unknown>,
  extraFields: readonly string[] = [],
): ModelWrites['create'] {
  const fields = [...keysOf(schema), ...extraFields];
  return {
    fields,
    run: (ctx, params) => {
      const input = present(formInput(model, fields, params));
      return callService(() => run(ctx, input as z.input<S>), input);
    },
  };
}

function updating<S extends z.ZodType>(
  model: AdminModel,
  schema: S,
  run: (ctx: ServiceContext, id: string, input: z.input<S>) => Promise<unknown>,
): ModelWrites['update'] {
  const fields = keysOf(schema);
  return {
    fields,
    run: (ctx, id, params) => {
      const input = formInput(model, fields, params);
      return callService(() => run(ctx, id, input as z.input<S>), input);
    },
  };
}

/** A service whose records are created, changed and deleted (one or many) the same way. */
interface RecordService<C, U> {
  create(ctx: ServiceContext, input: C): Promise<unknown>;
  update(ctx: ServiceContext, id: string, input: U): Promise<unknown>;
  remove(ctx: ServiceContext, id: string): Promise<unknown>;
  removeMany(ctx: ServiceContext, ids: string[]): Promise<unknown>;
}

/** The four writes of a model whose service has the usual create/update/remove/removeMany. */
function recordWrites<C extends z.ZodType, U extends z.ZodType>(
  model: AdminModel,
  service: RecordService<z.input<C>, z.input<U>>,
  schemas: { create: C; update: U },
): ModelWrites {
  return {
    create: creating(model, schemas.create, (ctx, input) => service.create(ctx, input)),
    update: updating(model, schemas.update, (ctx, id, input) => service.update(ctx, id, input)),
    remove: (ctx, id) => service.remove(ctx, id),
    removeMany: (ctx, ids) => service.removeMany(ctx, ids),
  };
}

/** A row as the admin shows it: secrets never leave the service layer. */
export const withoutSecrets = (row: unknown): Row => {
  const { passwordHash: _p, totpSecret: _t, ...rest } = row as Record<string, unknown>;
  return rest as Row;
};

/** The write functions of every model the admin may change (models absent here are read-only). */
export function modelWrites(services: Services): Partial<Record<AdminModel, ModelWrites>> {
  return {
    Tenant: {
      create: creating('Tenant', CreateTenantInput, (ctx, input) => services.tenants.create(ctx, input)),
      update: updating('Tenant', UpdateTenantInput, (ctx, id, input) => services.tenants.update(ctx, id, input)),
    },
    User: {
      create: creating('User', CreateUserInput, (ctx, input) => services.users.create(ctx, input)),
      update: updating('User', UpdateUserProfileInput, (ctx, id, input) => services.users.updateProfile(ctx, id, input)),
    },
    Account: recordWrites('Account', services.accounts, { create: CreateAccountInput, update: UpdateAccountInput }),
    Category: recordWrites('Category', services.categories, { create: CreateCategoryInput, update: UpdateCategoryInput }),
    Budget: recordWrites('Budget', services.budgets, { create: CreateBudgetInput, update: UpdateBudgetInput }),
    Asset: recordWrites('Asset', services.assets, { create: CreateAssetInput, update: UpdateAssetInput }),
    Liability: recordWrites('Liability', services.liabilities, { create: CreateLiabilityInput, update: UpdateLiabilityInput }),
    RecurringRule: recordWrites('RecurringRule', services.recurring, {
      create: CreateRecurringRuleInput,
      update: UpdateRecurringRuleInput,
    }),
    StaffUser: {
      create: creating('StaffUser', CreateStaffInput, (ctx, input) => services.staff.create(ctx, input)),
      update: updating('StaffUser', UpdateStaffInput, (ctx, id, input) => services.staff.update(ctx, id, input)),
    },
    FeatureFlag: {
      create: creating('FeatureFlag', CreateFeatureFlagInput, (ctx, input) => services.featureFlags.create(ctx, input)),
      update: updating('FeatureFlag', UpdateFeatureFlagInput, (ctx, id, input) =>
        services.featureFlags.update(ctx, { ...input, id }),
      ),
      remove: (ctx, id) => services.featureFlags.remove(ctx, { id }),
      removeMany: (ctx, ids) => services.featureFlags.removeMany(ctx, ids),
    },
    ApprovalPolicy: {
      update: updating('ApprovalPolicy', UpdateApprovalPolicyInput, (ctx, id, input) =>
        services.approvals.updatePolicy(ctx, id, input),
      ),
    },
    MailMessage: {
      remove: (ctx, id) => services.mail.removeMessages(ctx, [id]),
      removeMany: (ctx, ids) => services.mail.removeMessages(ctx, ids),
    },
    Loan: recordWrites('Loan', services.loans, { create: CreateLoanInput, update: UpdateLoanInput }),
  };
}
