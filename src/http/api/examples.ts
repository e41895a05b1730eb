import { EXAMPLE_IDS as ID } from './schemas.js';

/** Example payloads of the OpenAPI document (every operation shows one). */
export const EXAMPLE_ACCOUNT = {
  id: ID.ACCOUNT_ID,
  name: 'Current account',
  type: 'BANK',
  currency: 'EUR',
  institution: 'Banco Central',
  balance: '1520.75',
  created_at: '2025-01-02T10:00:00.000Z',
};

export const EXAMPLE_TRANSACTION = {
  id: ID.TX_ID,
  account_id: ID.ACCOUNT_ID,
  category_id: ID.CATEGORY_ID,
  amount: '12.34',
  currency: 'EUR',
  direction: 'DEBIT',
  occurred_at: '2025-03-14T09:30:00.000Z',
  description: 'Groceries at the market',
  kind: 'REGULAR',
  adjusts_transaction_id: null,
};

export const EXAMPLE_ADJUSTMENT = {
  ...EXAMPLE_TRANSACTION,
  id: '2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c',
  amount: '12.34',
  direction: 'CREDIT',
  description: 'Correction of a duplicated charge',
  kind: 'ADJUSTMENT',
  adjusts_transaction_id: ID.TX_ID,
};

export const EXAMPLE_CATEGORY = {
  id: ID.CATEGORY_ID,
  name: 'Groceries',
  kind: 'EXPENSE',
  is_system: true,
  created_at: '2025-01-02T10:00:00.000Z',
};

export const EXAMPLE_BUDGET = {
  id: ID.BUDGET_ID,
  category_id: ID.CATEGORY_ID,
  name: 'Groceries budget',
  amount: '400.00',
  currency: 'EUR',
  period: 'MONTHLY',
  starts_on: '2025-01-01',
  ends_on: null,
  period_start: '2025-03-01',
  period_end: '2025-03-31',
  spent: '123.45',
  remaining: '276.55',
  created_at: '2025-01-02T10:00:00.000Z',
};

export const page = (item: unknown) => ({ data: [item], next_cursor: 'WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd' });
