import type { Services } from '../../../services.js';
import { EXAMPLE_ACCOUNT, EXAMPLE_ADJUSTMENT, EXAMPLE_BUDGET, EXAMPLE_CATEGORY, EXAMPLE_TRANSACTION, page } from '../examples.js';
import { creatingOp, op, type Operation } from '../operation.js';
import { accountJson, budgetJson, categoryJson, meJson, transactionJson } from '../serializers.js';
import {
  ApprovalHeldSchema,
  AccountPageSchema,
  AccountSchema,
  BudgetPageSchema,
  BudgetSchema,
  CategoryPageSchema,
  CategorySchema,
  CreateAccountBody,
  CreateAdjustmentBody,
  CreateBudgetBody,
  CreateCategoryBody,
  CreateTransactionBody,
  IdParams,
  MeSchema,
  PageQuerySchema,
  TransactionPageSchema,
  TransactionQuerySchema,
  TransactionSchema,
  EXAMPLE_ME,
} from '../schemas.js';

const GET_ERRORS = [400, 401, 403];
const POST_ERRORS = [400, 401, 403, 404, 409, 413];

/** The signed-in user's resources: profile, accounts, transactions, categories, budgets. */
export function resourceOperations(services: Services): Operation[] {
  return [
    op({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in user and their tenant',
      tag: 'Me',
      auth: true,
      success: {
        status: 200,
        description: 'The user',
        schema: MeSchema,
        example: EXAMPLE_ME,
      },
      errors: [401, 403],
      handler: async ({ ctx }) => ({ status: 200, body: meJson(await services.apiAuth.getProfile(ctx)) }),
    }),

    // ---- accounts ----
    op({
      method: 'get',
      path: '/api/v1/accounts',
      operationId: 'listAccounts',
      summary: 'List accounts with their balances',
      tag: 'Accounts',
      auth: true,
      query: PageQuerySchema,
      success: {
        status: 200,
        description: 'A page of accounts, newest first',
        schema: AccountPageSchema,
        example: page(EXAMPLE_ACCOUNT),
      },
      errors: GET_ERRORS,
      handler: async ({ ctx, query }) => {
        const result = await services.accounts.list(ctx, { limit: query.limit, cursor: query.cursor });
        return { status: 200, body: { data: result.data.map(accountJson), next_cursor: result.nextCursor } };
      },
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/accounts',
      operationId: 'createAccount',
      summary: 'Open an account',
      tag: 'Accounts',
      auth: true,
      body: CreateAccountBody,
      requestExample: { name: 'Current account', type: 'BANK', currency: 'EUR', institution: 'Banco Central' },
      success: {
        status: 201,
        description: 'The new account (balance 0)',
        schema: AccountSchema,
        example: { ...EXAMPLE_ACCOUNT, balance: '0.00' },
      },
      errors: POST_ERRORS,
      creates: async ({ ctx, body, write }) =>
        services.accounts.create(
          ctx,
          { name: body.name, type: body.type, currency: body.currency, institution: body.institution },
          write,
        ),
      respond: (account) => ({ status: 201, body: accountJson(account) }),
    }),
    op({
      method: 'get',
      path: '/api/v1/accounts/{id}',
      operationId: 'getAccount',
      summary: 'One account with its computed balance',
      description:
        "The balance is credits minus debits over all of the account's transactions, adjustments included. It is never stored.",
      tag: 'Accounts',
      auth: true,
      params: IdParams,
      success: { status: 200, description: 'The account', schema: AccountSchema, example: EXAMPLE_ACCOUNT },
      errors: [401, 403, 404],
      handler: async ({ ctx, params }) => ({ status: 200, body: accountJson(await services.accounts.get(ctx, params.id)) }),
    }),

    // ---- transactions ----
    op({
      method: 'get',
      path: '/api/v1/transactions',
      operationId: 'listTransactions',
      summary: 'List transactions',
      description:
        'Newest first (occurred_at, then id). Cursor pagination: pass `next_cursor` as `cursor`; walking every page returns each row exactly once even while rows are added.',
      tag: 'Transactions',
      auth: true,
      query: TransactionQuerySchema,
      success: {
        status: 200,
        description: 'A page of transactions',
        schema: TransactionPageSchema,
        example: page(EXAMPLE_TRANSACTION),
      },
      errors: GET_ERRORS,
      handler: async ({ ctx, query }) => {
        const result = await services.transactions.list(ctx, {
          limit: query.limit,
          cursor: query.cursor,
          accountId: query.account_id,
          categoryId: query.category_id,
          from: query.from,
          to: query.to,
          direction: query.direction,
        });
        return { status: 200, body: { data: result.data.map(transactionJson), next_cursor: result.nextCursor } };
      },
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/transactions',
      operationId: 'createTransaction',
      summary: 'Record a transaction',
      description:
        "The currency is the account's; amounts with more decimals than the currency allows are refused (too_many_decimals).",
      tag: 'Transactions',
      auth: true,
      body: CreateTransactionBody,
      requestExample: {
        account_id: EXAMPLE_TRANSACTION.account_id,
        category_id: EXAMPLE_TRANSACTION.category_id,
        amount: '12.34',
        direction: 'DEBIT',
        occurred_at: '2025-03-14T09:30:00Z',
        description: 'Groceries at the market',
      },
      success: { status: 201, description: 'The new transaction', schema: TransactionSchema, example: EXAMPLE_TRANSACTION },
      errors: POST_ERRORS,
      creates: async ({ ctx, body, write }) =>
        services.transactions.create(
          ctx,
          {
            accountId: body.account_id,
            categoryId: body.category_id,
            amount: body.amount,
            currency: body.currency,
            direction: body.direction,
            occurredAt: body.occurred_at,
            description: body.description,
          },
          write,
        ),
      respond: (created) => ({ status: 201, body: transactionJson(created) }),
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/transactions/{id}/adjustments',
      operationId: 'createAdjustment',
      summary: 'Correct a transaction with an adjustment',
      description:
        'Transactions are never changed. An ADJUSTMENT on the same account and currency references the original; the reason is recorded in the audit trail.',
      tag: 'Transactions',
      auth: true,
      params: IdParams,
      body: CreateAdjustmentBody,
      requestExample: {
        amount: '12.34',
        direction: 'CREDIT',
        description: 'Correction of a duplicated charge',
        reason: 'The merchant charged twice; refund confirmed',
      },
      success: { status: 201, description: 'The adjustment', schema: TransactionSchema, example: EXAMPLE_ADJUSTMENT },
      held: {
        description:
          'Above the approval threshold of its currency the adjustment is held for a second person (four-eyes): the approval request',
        schema: ApprovalHeldSchema,
      },
      errors: POST_ERRORS,
      creates: async ({ ctx, params, body, write }) =>
        services.transactions.postAdjustment(
          ctx,
          {
            transactionId: params.id,
            amount: body.amount,
            direction: body.direction,
            description: body.description,
            reason: body.reason,
          },
          write,
        ),
      respond: (created) => ({ status: 201, body: transactionJson(created) }),
    }),

    // ---- categories ----
    op({
      method: 'get',
      path: '/api/v1/categories',
      operationId: 'listCategories',
      summary: 'List categories',
      tag: 'Categories',
      auth: true,
      query: PageQuerySchema,
      success: { status: 200, description: 'A page of categories', schema: CategoryPageSchema, example: page(EXAMPLE_CATEGORY) },
      errors: GET_ERRORS,
      handler: async ({ ctx, query }) => {
        const result = await services.categories.list(ctx, { limit: query.limit, cursor: query.cursor });
        return { status: 200, body: { data: result.data.map(categoryJson), next_cursor: result.nextCursor } };
      },
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/categories',
      operationId: 'createCategory',
      summary: 'Create a category',
      tag: 'Categories',
      auth: true,
      body: CreateCategoryBody,
      requestExample: { name: 'Pets', kind: 'EXPENSE' },
      success: {
        status: 201,
        description: 'The new category',
        schema: CategorySchema,
        example: { ...EXAMPLE_CATEGORY, name: 'Pets', is_system: false },
      },
      errors: POST_ERRORS,
      creates: async ({ ctx, body, write }) => services.categories.create(ctx, { name: body.name, kind: body.kind }, write),
      respond: (created) => ({ status: 201, body: categoryJson(created) }),
    }),

    // ---- budgets ----
    op({
      method: 'get',
      path: '/api/v1/budgets',
      operationId: 'listBudgets',
      summary: 'List budgets with spent vs. limit',
      description:
        'For each budget: its current period and the net spending (debits minus credits) of its category in its currency.',
      tag: 'Budgets',
      auth: true,
      query: PageQuerySchema,
      success: { status: 200, description: 'A page of budgets', schema: BudgetPageSchema, example: page(EXAMPLE_BUDGET) },
      errors: GET_ERRORS,
      handler: async ({ ctx, query }) => {
        const result = await services.budgets.list(ctx, { limit: query.limit, cursor: query.cursor });
        return { status: 200, body: { data: result.data.map(budgetJson), next_cursor: result.nextCursor } };
      },
    }),
    creatingOp({
      method: 'post',
      path: '/api/v1/budgets',
      operationId: 'createBudget',
      summary: 'Create a budget',
      tag: 'Budgets',
      auth: true,
      body: CreateBudgetBody,
      requestExample: {
        category_id: EXAMPLE_BUDGET.category_id,
        name: 'Groceries budget',
        amount: '400.00',
        currency: 'EUR',
        period: 'MONTHLY',
        starts_on: '2025-01-01',
      },
      success: { status: 201, description: 'The new budget', schema: BudgetSchema, example: EXAMPLE_BUDGET },
      errors: POST_ERRORS,
      creates: async ({ ctx, body, write }) =>
        services.budgets.create(
          ctx,
          {
            categoryId: body.category_id,
            name: body.name,
            amount: body.amount,
            currency: body.currency,
            period: body.period,
            startsOn: body.starts_on,
            endsOn: body.ends_on,
          },
          write,
        ),
      respond: (created) => ({ status: 201, body: budgetJson(created) }),
    }),
  ];
}
