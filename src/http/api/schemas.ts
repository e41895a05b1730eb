import { z } from './zod-openapi.js';
import { AccountName, AccountType } from '../../modules/accounts/account.schemas.js';
import { CategoryKind } from '../../modules/categories/category.schemas.js';
import { BudgetPeriodSchema } from '../../modules/budgets/budget.schemas.js';
import { Email } from '../../modules/api-auth/api-auth.schemas.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../modules/access/password.js';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../modules/shared/keyset.js';
import {
  AmountString,
  checkAmount,
  CalendarDate,
  CurrencyCode,
  refineScale,
  SafeText,
  SUPPORTED_CURRENCY_LIST,
  Timestamp,
  Uuid,
} from '../../modules/shared/ledger.schemas.js';
import { Direction } from '../../modules/transactions/transaction.schemas.js';

/**
 * The wire format of the public API (snake_case). Request schemas are composed from the
 * domain's field schemas (money, currency, text), validate every request, and are also what
 * the OpenAPI document is generated from, so the contract and the checks cannot drift.
 */

const id = (example: string) => Uuid.openapi({ example });
const ACCOUNT_ID = '6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10';
const TX_ID = '0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21';
const CATEGORY_ID = '9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e';
const BUDGET_ID = 'c3e1a2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d';
const USER_ID = '1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const TENANT_ID = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';

const Currency = CurrencyCode.openapi({
  type: 'string',
  enum: [...SUPPORTED_CURRENCY_LIST],
  example: 'EUR',
  description: 'ISO 4217 code',
});
/**
 * The documented amount pattern: 1 to 15 integer digits, optional decimals, not zero. The wire
 * schema refuses what the pattern refuses (so the document and the API agree), and the domain
 * adds what a pattern cannot say: no more decimals than the currency has.
 */
export const AMOUNT_PATTERN = '^(?=[0-9.]*[1-9])[0-9]{1,15}(\\.[0-9]+)?$';
const amountPattern = new RegExp(AMOUNT_PATTERN);
const Amount = AmountString.superRefine((value, ctx) => {
  // Only when the domain accepted it (its own detail is more precise otherwise).
  if (checkAmount(value) === null && !amountPattern.test(value))
    ctx.addIssue({ code: 'custom', message: 'An amount is a decimal string such as "12.34"', params: { code: 'invalid' } });
}).openapi({
  type: 'string',
  pattern: AMOUNT_PATTERN,
  example: '12.34',
  description:
    'A positive decimal as a string ("0" is refused), at most 15 integer digits and at most the currency\'s decimals (EUR 2, JPY 0, BHD 3).',
});

/** Text fields: trimmed, then checked; NUL characters refused (PostgreSQL cannot store them). */
const text = <T extends z.ZodType>(schema: T, max: number, min = 1, example?: string): T =>
  schema.openapi({
    type: 'string',
    minLength: min,
    maxLength: max,
    pattern: '^[^\\u0000]*$',
    ...(example === undefined ? {} : { example }),
    description: `Leading and trailing white space is removed first; ${min} to ${max} characters after that. NUL (U+0000) is refused.`,
  });

/** A password as the policy takes it (12 to 256 characters, not a common one), with the policy's codes. */
const PolicyPassword = z
  .string()
  .superRefine((value, ctx) => {
    if (value.length < MIN_PASSWORD_LENGTH)
      ctx.addIssue({ code: 'custom', message: 'Password rejected: password too short', params: { code: 'password_too_short' } });
    else if (value.length > MAX_PASSWORD_LENGTH)
      ctx.addIssue({ code: 'custom', message: 'Password rejected: password too long', params: { code: 'password_too_long' } });
  })
  .openapi({ type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
/** A password at login: any length up to the policy's maximum (a wrong one is a 401, not a 400). */
const LoginPassword = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH)
  .openapi({ type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

const DATE_RANGE = 'between 1900-01-01 and 2199-12-31';
const DirectionField = Direction.openapi({ description: 'CREDIT is money in, DEBIT money out', example: 'DEBIT' });
const OutAmount = z.string().openapi({ example: '12.34', description: "Decimal string with exactly the currency's decimals" });
const OutTime = z.string().openapi({ format: 'date-time', example: '2025-03-14T09:30:00.000Z' });
const OutDate = z.string().openapi({ format: 'date', example: '2025-03-01' });

// ---- errors -------------------------------------------------------------------------------

export const ErrorDetailSchema = z
  .object({
    field: z.string().openapi({ example: 'amount' }),
    code: z.string().openapi({ example: 'too_many_decimals' }),
    message: z.string().openapi({ example: 'Too many decimal places for this currency.' }),
  })
  .openapi('ErrorDetail');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z
        .enum([
          'VALIDATION_ERROR',
          'UNAUTHENTICATED',
          'FORBIDDEN',
          'NOT_FOUND',
          'METHOD_NOT_ALLOWED',
          'CONFLICT',
          'PAYLOAD_TOO_LARGE',
          'RATE_LIMITED',
          'INTERNAL_ERROR',
          'SERVICE_UNAVAILABLE',
        ])
        .openapi({ example: 'VALIDATION_ERROR' }),
      message: z.string().openapi({ example: 'The request is not valid.' }),
      details: z.array(ErrorDetailSchema),
      correlation_id: z.string().openapi({ example: '5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30' }),
    }),
  })
  .openapi('Error', { description: 'The one error shape of the API; messages follow Accept-Language (en, es).' });

// ---- auth ---------------------------------------------------------------------------------

export const RegisterBody = z
  .strictObject({
    email: Email.openapi({ example: 'ana@example.com' }),
    password: PolicyPassword.openapi({
      example: 'correct-Horse-battery-42',
      description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not a common password`,
    }),
    name: text(SafeText(200), 200, 1, 'Ana García'),
    tenant_name: text(SafeText(200), 200, 1, 'The García household'),
    base_currency: Currency.optional(),
    locale: z.enum(['en', 'es']).optional(),
    accepted_terms_version: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({ example: '2026-01', description: 'The terms version shown; when given it must be the one in force' }),
  })
  .openapi('RegisterRequest');

export const TokenBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().min(1).max(254).openapi({ example: 'ana@example.com' }),
    password: LoginPassword.openapi({ example: 'correct-Horse-battery-42' }),
  })
  .openapi('TokenRequest');

export const RefreshBody = z
  .strictObject({ refresh_token: z.string().min(1).max(512).openapi({ example: 'rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu' }) })
  .openapi('RefreshRequest');

export const TokenPairSchema = z
  .object({
    access_token: z.string().openapi({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.sig' }),
    refresh_token: z.string().openapi({ example: 'rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ example: 900, description: 'Seconds the access token lives' }),
  })
  .openapi('TokenPair');

export const TenantSummarySchema = z
  .object({
    id: id(TENANT_ID),
    name: z.string().openapi({ example: 'The García household' }),
    slug: z.string().openapi({ example: 'hh-5f1c2a9b0d3e' }),
    status: z.enum(['ACTIVE', 'SUSPENDED', 'CLOSED']),
    base_currency: z.string().openapi({ example: 'EUR' }),
  })
  .openapi('TenantSummary');

export const MeSchema = z
  .object({
    id: id(USER_ID),
    email: z.string().openapi({ example: 'ana@example.com' }),
    name: z.string().openapi({ example: 'Ana García' }),
    role: z.enum(['OWNER', 'MEMBER']),
    status: z.enum(['ACTIVE', 'LOCKED', 'DISABLED', 'CLOSED']),
    locale: z.string().openapi({ example: 'es' }),
    phone: z.string().nullable().openapi({ example: null }),
    email_verified: z.boolean().openapi({ description: 'Whether a link sent to `email` was followed', example: true }),
    pending_email: z
      .string()
      .nullable()
      .openapi({ description: 'A requested new address, effective once its verification link is followed', example: null }),
    terms_version: z.string().nullable().openapi({ example: '2026-01', description: 'The terms accepted at registration' }),
    terms_accepted_at: OutTime.nullable(),
    created_at: OutTime,
    tenant: TenantSummarySchema,
  })
  .openapi('Me');

/** The example user of the document (GET/PATCH /me, register). */
export const EXAMPLE_ME = {
  id: USER_ID,
  email: 'ana@example.com',
  name: 'Ana García',
  role: 'OWNER',
  status: 'ACTIVE',
  locale: 'es',
  phone: null,
  email_verified: true,
  pending_email: null,
  terms_version: '2026-01',
  terms_accepted_at: '2025-03-14T09:30:00.000Z',
  created_at: '2025-03-14T09:30:00.000Z',
  tenant: {
    id: TENANT_ID,
    name: 'The García household',
    slug: 'hh-5f1c2a9b0d3e',
    status: 'ACTIVE',
    base_currency: 'EUR',
  },
};

// ---- customer lifecycle -------------------------------------------------------------------

const AccountToken = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .openapi({ example: 'eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl', description: 'The `token` parameter of the link in the mail' });

export const PasswordResetRequestBody = z
  .strictObject({ email: z.string().trim().toLowerCase().min(1).max(254).openapi({ example: 'ana@example.com' }) })
  .openapi('PasswordResetRequest');

export const PasswordResetConfirmBody = z
  .strictObject({
    token: AccountToken,
    password: PolicyPassword.openapi({
      example: 'new-Correct-horse-43',
      description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, not a common password`,
    }),
  })
  .openapi('PasswordResetConfirm');

export const AcceptedSchema = z
  .object({
    status: z.literal('accepted'),
    message: z.string().openapi({ example: 'If an account uses this address, a link to reset its password is on its way.' }),
  })
  .openapi('Accepted');

export const VerifyEmailBody = z.strictObject({ token: AccountToken }).openapi('VerifyEmailRequest');

export const VerifyEmailResultSchema = z
  .object({
    email_verified: z.literal(true),
    email_changed: z.boolean().openapi({ description: 'True when the link confirmed a change of address', example: false }),
  })
  .openapi('VerifyEmailResult');

export const RectifyMeBody = z
  .strictObject({
    name: text(SafeText(200), 200, 1, 'Ana García López').optional(),
    phone: text(SafeText(40), 40, 1, '+34 600 000 000').nullable().optional(),
    locale: z.enum(['en', 'es']).optional(),
    email: Email.optional().openapi({
      example: 'ana.garcia@example.com',
      description: 'A new address takes effect once its verification link (sent to it) is followed; the current address is told',
    }),
  })
  .openapi('RectifyMeRequest');

const ConsentChangeSchema = z
  .object({
    purpose: z.enum(['MARKETING', 'NOTIFICATIONS']),
    granted: z.boolean(),
    source: z.enum(['REGISTRATION', 'API', 'SUPPORT']),
    at: OutTime,
  })
  .openapi('ConsentChange');

export const ConsentsSchema = z
  .object({
    marketing: z.boolean().openapi({ description: 'Marketing email (opt-in)', example: true }),
    notifications: z.boolean().openapi({ description: 'Notifications (on until turned off)', example: true }),
    updated_at: OutTime.nullable(),
    history: z.array(ConsentChangeSchema).openapi({ description: 'The latest changes, newest first' }),
  })
  .openapi('Consents');

export const ConsentsBody = z
  .strictObject({
    marketing: z.boolean().optional().openapi({ example: true }),
    notifications: z.boolean().optional().openapi({ example: true }),
  })
  .openapi('ConsentsRequest');

// ---- resources ----------------------------------------------------------------------------

const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT, example: 50 }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page (opaque)' }),
};

export const PageQuerySchema = z.strictObject(pageQuery);

const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z.string().nullable().openapi({ example: 'WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd' }),
    })
    .openapi(name);

export const AccountSchema = z
  .object({
    id: id(ACCOUNT_ID),
    name: z.string().openapi({ example: 'Current account' }),
    type: AccountType,
    currency: z.string().openapi({ example: 'EUR' }),
    institution: z.string().nullable().openapi({ example: 'Banco Central' }),
    balance: OutAmount.openapi({ description: 'Credits minus debits, adjustments included; computed, never stored' }),
    created_at: OutTime,
  })
  .openapi('Account');
export const AccountPageSchema = page(AccountSchema, 'AccountPage');

export const CreateAccountBody = z
  .strictObject({
    name: text(AccountName, 120, 1, 'Current account'),
    type: AccountType.openapi({ example: 'BANK' }),
    currency: Currency,
    institution: text(SafeText(120), 120, 1, 'Banco Central').nullish(),
  })
  .openapi('CreateAccountRequest');

export const TransactionSchema = z
  .object({
    id: id(TX_ID),
    account_id: id(ACCOUNT_ID),
    category_id: Uuid.nullable().openapi({ example: CATEGORY_ID }),
    amount: OutAmount,
    currency: z.string().openapi({ example: 'EUR' }),
    direction: Direction,
    occurred_at: OutTime,
    description: z.string().nullable().openapi({ example: 'Groceries at the market' }),
    kind: z.enum(['REGULAR', 'ADJUSTMENT']),
    adjusts_transaction_id: Uuid.nullable().openapi({ example: null }),
  })
  .openapi('Transaction');
export const TransactionPageSchema = page(TransactionSchema, 'TransactionPage');

/** A change held for a second person's approval (four-eyes, 202): the approval request. */
export const ApprovalHeldSchema = z
  .object({
    approval_request: z.object({
      id: Uuid,
      status: z.enum(['PENDING', 'EXECUTED', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'FAILED']),
      action: z.string().openapi({ example: 'transaction.adjust' }),
      tenant_id: Uuid.nullable(),
      target_type: z.string().nullable().openapi({ example: 'Transaction' }),
      target_id: z.string().nullable(),
      reason: z.string(),
      approvals_required: z.number().int(),
      approvals_given: z.number().int(),
      expires_at: OutTime,
      created_at: OutTime,
    }),
  })
  .openapi('ApprovalHeld');

export const TransactionQuerySchema = z.strictObject({
  ...pageQuery,
  account_id: Uuid.optional().openapi({ example: ACCOUNT_ID }),
  category_id: Uuid.optional().openapi({ example: CATEGORY_ID }),
  from: Timestamp.optional().openapi({
    type: 'string',
    format: 'date-time',
    description: `Inclusive lower bound of occurred_at (ISO 8601 with an offset, ${DATE_RANGE})`,
  }),
  to: Timestamp.optional().openapi({
    type: 'string',
    format: 'date-time',
    description: `Exclusive upper bound of occurred_at (ISO 8601 with an offset, ${DATE_RANGE})`,
  }),
  direction: Direction.optional(),
});

export const CreateTransactionBody = z
  .strictObject({
    account_id: id(ACCOUNT_ID),
    category_id: Uuid.nullish().openapi({ example: CATEGORY_ID }),
    amount: Amount,
    currency: Currency.optional().openapi({ description: "Optional; when given it must be the account's currency" }),
    direction: DirectionField,
    occurred_at: Timestamp.optional().openapi({
      type: 'string',
      format: 'date-time',
      example: '2025-03-14T09:30:00Z',
      description: `Defaults to now; ISO 8601 with an offset, ${DATE_RANGE}`,
    }),
    description: text(SafeText(500), 500, 1, 'Groceries at the market').nullish(),
  })
  .superRefine((v, ctx) => refineScale(ctx, v.amount, v.currency, 'amount'))
  .openapi('CreateTransactionRequest');

export const CreateAdjustmentBody = z
  .strictObject({
    amount: Amount,
    direction: DirectionField,
    description: text(SafeText(500), 500, 1, 'Correction of a duplicated charge').nullish(),
    reason: text(SafeText(2000, 3), 2000, 3, 'The merchant charged twice; refund confirmed'),
  })
  .openapi('CreateAdjustmentRequest');

export const CategorySchema = z
  .object({
    id: id(CATEGORY_ID),
    name: z.string().openapi({ example: 'Groceries' }),
    kind: CategoryKind,
    is_system: z.boolean(),
    created_at: OutTime,
  })
  .openapi('Category');
export const CategoryPageSchema = page(CategorySchema, 'CategoryPage');

export const CreateCategoryBody = z
  .strictObject({
    name: text(SafeText(80), 80, 1, 'Pets'),
    kind: CategoryKind.optional().openapi({ example: 'EXPENSE' }),
  })
  .openapi('CreateCategoryRequest');

export const BudgetSchema = z
  .object({
    id: id(BUDGET_ID),
    category_id: id(CATEGORY_ID),
    name: z.string().openapi({ example: 'Groceries budget' }),
    amount: OutAmount.openapi({ description: 'The limit per period', example: '400.00' }),
    currency: z.string().openapi({ example: 'EUR' }),
    period: BudgetPeriodSchema,
    starts_on: OutDate,
    ends_on: OutDate.nullable(),
    period_start: OutDate.openapi({ description: 'First day of the current period' }),
    period_end: OutDate.openapi({ description: 'Last day of the current period (inclusive)' }),
    spent: OutAmount.openapi({ description: 'Debits minus credits of the category in the current period', example: '123.45' }),
    remaining: OutAmount.openapi({ description: 'amount minus spent (negative when over budget)', example: '276.55' }),
    created_at: OutTime,
  })
  .openapi('Budget');
export const BudgetPageSchema = page(BudgetSchema, 'BudgetPage');

export const CreateBudgetBody = z
  .strictObject({
    category_id: id(CATEGORY_ID),
    name: text(SafeText(120), 120, 1, 'Groceries budget'),
    amount: Amount.openapi({ example: '400.00' }),
    currency: Currency,
    period: BudgetPeriodSchema.optional().openapi({ example: 'MONTHLY' }),
    starts_on: CalendarDate.openapi({
      type: 'string',
      format: 'date',
      example: '2025-03-01',
      description: `A date ${DATE_RANGE}`,
    }),
    ends_on: CalendarDate.nullish().openapi({
      type: ['string', 'null'],
      format: 'date',
      example: null,
      description: `Optional last day (${DATE_RANGE}); on or after starts_on, else 400 with detail {field: "ends_on", code: "invalid"}`,
    }),
  })
  .superRefine((v, ctx) => {
    refineScale(ctx, v.amount, v.currency, 'amount');
    if (v.ends_on && v.ends_on < v.starts_on)
      ctx.addIssue({
        code: 'custom',
        path: ['ends_on'],
        message: 'The end date is before the start date',
        params: { code: 'invalid' },
      });
  })
  .openapi('CreateBudgetRequest');

export const IdParams = z.object({ id: z.string().openapi({ format: 'uuid', example: ACCOUNT_ID }) });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/)
    .openapi({
      example: '5f0b8c1e-create-tx-0001',
      description: 'Unique per request you mean once; replays return the first response',
    }),
});

export const EXAMPLE_IDS = { ACCOUNT_ID, TX_ID, CATEGORY_ID, BUDGET_ID, USER_ID, TENANT_ID };

// ---- data rights (exports and erasure) ----------------------------------------------------

export const ExportJobSchema = z
  .object({
    id: id('5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a'),
    status: z.enum(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']),
    resource: z.string().openapi({ example: 'TenantBundle' }),
    format: z.enum(['JSON', 'CSV', 'NDJSON']),
    rows_done: z.number().int().openapi({ example: 1200 }),
    rows_total: z.number().int().nullable().openapi({ example: 5400 }),
    sha256: z.string().nullable().openapi({ example: null }),
    error: z.string().nullable().openapi({ example: null }),
    created_at: OutTime,
    started_at: OutTime.nullable(),
    finished_at: OutTime.nullable(),
    download_url: z.string().nullable().openapi({ example: null, description: 'Where to fetch the file once COMPLETED' }),
  })
  .openapi('ExportJob');

export const DeleteMeBody = z
  .strictObject({ reason: text(SafeText(2000), 2000, 1, 'I no longer use the app').optional() })
  .openapi('DeleteMeRequest');

export const ErasureSchema = z
  .object({
    user_id: id(USER_ID),
    status: z.literal('CLOSED'),
    closed_at: OutTime,
    erasure_due_at: OutTime.openapi({ description: 'When personal data will be erased (after the grace period)' }),
    tenant_closed: z.boolean().openapi({ description: 'True when the owner closed the whole household' }),
  })
  .openapi('ErasureRequest');
