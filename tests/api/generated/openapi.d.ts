// Generated from the OpenAPI document by `npm run api:types` (tests/api/tools/api-tools.ts). Do not edit.
// tests/api/contract.test.ts fails when this file is stale.

export interface paths {
  '/api/v1/auth/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create a household (tenant) and its owner
     * @description The password must have at least 12 characters and not be a common one. Registering accepts the terms of service in force (their version and the time are recorded; `accepted_terms_version`, when sent, must be that version). A link to verify the address is mailed. Requires Idempotency-Key.
     */
    post: operations['register'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Log in with email and password
     * @description Returns a 15-minute access token and a 7-day refresh token. After 5 consecutive failures the account is locked for 15 minutes.
     */
    post: operations['createToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange a refresh token for a new pair
     * @description Rotation: the presented refresh token is spent. Presenting a spent token again is treated as theft: every token of its family is revoked (401).
     */
    post: operations['refreshToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * End a session
     * @description Revokes the refresh token's whole family; access tokens of the session stop working at once.
     */
    post: operations['logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password-reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask for a password-reset link by email
     * @description Always 202 with the same body, whether or not an account uses the address (and in about the same time). A known, open account is mailed a link valid for one hour; a newer request invalidates older links; at most one mail a minute. Rate-limited like every /auth route.
     */
    post: operations['requestPasswordReset'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password-reset/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Choose a new password with the token of a reset link
     * @description The token works once, for one hour, and only if no newer reset was requested. The password policy applies. Every session of the user ends (all refresh tokens are revoked) and a lockout is cleared. An unusable token answers 400 with code VALIDATION_ERROR (AUTH.INVALID_RESET_TOKEN).
     */
    post: operations['confirmPasswordReset'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/verify-email': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Confirm an email address with the token of a verification link
     * @description Sent at registration (to the address registered) and on a change of address (to the new one). The token works once, for two days, and only for the latest request. For a change of address, this is when the new address becomes the account email. 409 when the new address was taken meanwhile.
     */
    post: operations['verifyEmail'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user and their tenant
     * @description The signed-in user and their tenant
     */
    get: operations['getMe'];
    put?: never;
    post?: never;
    /**
     * Close my account (erasure request)
     * @description Closes the account at once (tokens stop working) and schedules the erasure of personal data after the grace period. Financial records are kept anonymised. Asking twice returns the first request.
     */
    delete: operations['deleteMe'];
    options?: never;
    head?: never;
    /**
     * Correct my personal data (rectification)
     * @description Changes name, phone and locale at once. A new email only becomes the account email once the link sent to it is followed (POST /api/v1/auth/verify-email); until then it is `pending_email`, and the current address is told. Sending the current email again cancels a pending change. 409 when the address belongs to another account.
     */
    patch: operations['rectifyMe'];
    trace?: never;
  };
  '/api/v1/accounts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List accounts with their balances
     * @description List accounts with their balances
     */
    get: operations['listAccounts'];
    put?: never;
    /**
     * Open an account
     * @description Open an account
     */
    post: operations['createAccount'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One account with its computed balance
     * @description The balance is credits minus debits over all of the account's transactions, adjustments included. It is never stored.
     */
    get: operations['getAccount'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/transactions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List transactions
     * @description Newest first (occurred_at, then id). Cursor pagination: pass `next_cursor` as `cursor`; walking every page returns each row exactly once even while rows are added.
     */
    get: operations['listTransactions'];
    put?: never;
    /**
     * Record a transaction
     * @description The currency is the account's; amounts with more decimals than the currency allows are refused (too_many_decimals).
     */
    post: operations['createTransaction'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/transactions/{id}/adjustments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Correct a transaction with an adjustment
     * @description Transactions are never changed. An ADJUSTMENT on the same account and currency references the original; the reason is recorded in the audit trail.
     */
    post: operations['createAdjustment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/categories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List categories
     * @description List categories
     */
    get: operations['listCategories'];
    put?: never;
    /**
     * Create a category
     * @description Create a category
     */
    post: operations['createCategory'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/budgets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List budgets with spent vs. limit
     * @description For each budget: its current period and the net spending (debits minus credits) of its category in its currency.
     */
    get: operations['listBudgets'];
    put?: never;
    /**
     * Create a budget
     * @description Create a budget
     */
    post: operations['createBudget'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/email-verification': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a new verification link
     * @description For the address waiting to be verified (a pending new one, or the unverified current one). Earlier links stop working. 409 when there is nothing to verify.
     */
    post: operations['resendEmailVerification'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/consents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * My consents and their history
     * @description Marketing email is opt-in; notifications are on until turned off. Each change is recorded with its time and source.
     */
    get: operations['getMyConsents'];
    /**
     * Give or withdraw consents
     * @description A consent left out is kept as it is. Each change is recorded (time, source API) and audited. Without marketing consent no marketing mail is sent: the outbox checks it again when it delivers, so a withdrawal takes effect at once.
     */
    put: operations['setMyConsents'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/exports': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Export all my data
     * @description Starts (or returns the running) export of the household's data as the user may see it. Poll it with GET /api/v1/me/exports/{id}.
     */
    post: operations['requestMyExport'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/exports/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Progress of one of my exports
     * @description Progress of one of my exports
     */
    get: operations['getMyExport'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/exports/{id}/download': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download one of my finished exports
     * @description The file of a COMPLETED export, with its SHA-256 in the Digest header. Audited.
     */
    get: operations['downloadMyExport'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Me: {
      /**
       * Format: uuid
       * @example 1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d
       */
      id: string;
      /** @example ana@example.com */
      email: string;
      /** @example Ana García */
      name: string;
      /** @enum {string} */
      role: 'OWNER' | 'MEMBER';
      /** @enum {string} */
      status: 'ACTIVE' | 'LOCKED' | 'DISABLED' | 'CLOSED';
      /** @example es */
      locale: string;
      /** @example null */
      phone: string | null;
      /**
       * @description Whether a link sent to `email` was followed
       * @example true
       */
      email_verified: boolean;
      /**
       * @description A requested new address, effective once its verification link is followed
       * @example null
       */
      pending_email: string | null;
      /**
       * @description The terms accepted at registration
       * @example 2026-01
       */
      terms_version: string | null;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      terms_accepted_at: string | null;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      created_at: string;
      tenant: components['schemas']['TenantSummary'];
    };
    TenantSummary: {
      /**
       * Format: uuid
       * @example 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d
       */
      id: string;
      /** @example The García household */
      name: string;
      /** @example hh-5f1c2a9b0d3e */
      slug: string;
      /** @enum {string} */
      status: 'ACTIVE' | 'SUSPENDED' | 'CLOSED';
      /** @example EUR */
      base_currency: string;
    };
    /** @description The one error shape of the API; messages follow Accept-Language (en, es). */
    Error: {
      error: {
        /**
         * @example VALIDATION_ERROR
         * @enum {string}
         */
        code:
          | 'VALIDATION_ERROR'
          | 'UNAUTHENTICATED'
          | 'FORBIDDEN'
          | 'NOT_FOUND'
          | 'METHOD_NOT_ALLOWED'
          | 'CONFLICT'
          | 'PAYLOAD_TOO_LARGE'
          | 'RATE_LIMITED'
          | 'INTERNAL_ERROR'
          | 'SERVICE_UNAVAILABLE';
        /** @example The request is not valid. */
        message: string;
        details: components['schemas']['ErrorDetail'][];
        /** @example 5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30 */
        correlation_id: string;
      };
    };
    ErrorDetail: {
      /** @example amount */
      field: string;
      /** @example too_many_decimals */
      code: string;
      /** @example Too many decimal places for this currency. */
      message: string;
    };
    RegisterRequest: {
      /**
       * Format: email
       * @example ana@example.com
       */
      email: string;
      /**
       * @description 12 to 256 characters, not a common password
       * @example correct-Horse-battery-42
       */
      password: string;
      /**
       * @description Leading and trailing white space is removed first; 1 to 200 characters after that. NUL (U+0000) is refused.
       * @example Ana García
       */
      name: string;
      /**
       * @description Leading and trailing white space is removed first; 1 to 200 characters after that. NUL (U+0000) is refused.
       * @example The García household
       */
      tenant_name: string;
      /**
       * @description ISO 4217 code
       * @example EUR
       * @enum {string}
       */
      base_currency?:
        | 'AED'
        | 'ARS'
        | 'AUD'
        | 'BHD'
        | 'BRL'
        | 'CAD'
        | 'CHF'
        | 'CLP'
        | 'CNY'
        | 'COP'
        | 'CZK'
        | 'DKK'
        | 'EUR'
        | 'GBP'
        | 'HKD'
        | 'HUF'
        | 'IDR'
        | 'ILS'
        | 'INR'
        | 'ISK'
        | 'JOD'
        | 'JPY'
        | 'KRW'
        | 'KWD'
        | 'MXN'
        | 'MYR'
        | 'NOK'
        | 'NZD'
        | 'OMR'
        | 'PEN'
        | 'PHP'
        | 'PLN'
        | 'RON'
        | 'SAR'
        | 'SEK'
        | 'SGD'
        | 'THB'
        | 'TND'
        | 'TRY'
        | 'TWD'
        | 'UAH'
        | 'USD'
        | 'UYU'
        | 'VND'
        | 'ZAR';
      /** @enum {string} */
      locale?: 'en' | 'es';
      /**
       * @description The terms version shown; when given it must be the one in force
       * @example 2026-01
       */
      accepted_terms_version?: string;
    };
    TokenPair: {
      /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.sig */
      access_token: string;
      /** @example rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu */
      refresh_token: string;
      /** @enum {string} */
      token_type: 'Bearer';
      /**
       * @description Seconds the access token lives
       * @example 900
       */
      expires_in: number;
    };
    TokenRequest: {
      /** @example ana@example.com */
      email: string;
      /** @example correct-Horse-battery-42 */
      password: string;
    };
    RefreshRequest: {
      /** @example rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu */
      refresh_token: string;
    };
    Accepted: {
      /** @enum {string} */
      status: 'accepted';
      /** @example If an account uses this address, a link to reset its password is on its way. */
      message: string;
    };
    PasswordResetRequest: {
      /** @example ana@example.com */
      email: string;
    };
    PasswordResetConfirm: {
      /**
       * @description The `token` parameter of the link in the mail
       * @example eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl
       */
      token: string;
      /**
       * @description 12 to 256 characters, not a common password
       * @example new-Correct-horse-43
       */
      password: string;
    };
    VerifyEmailResult: {
      /** @enum {boolean} */
      email_verified: true;
      /**
       * @description True when the link confirmed a change of address
       * @example false
       */
      email_changed: boolean;
    };
    VerifyEmailRequest: {
      /**
       * @description The `token` parameter of the link in the mail
       * @example eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl
       */
      token: string;
    };
    AccountPage: {
      data: components['schemas']['Account'][];
      /** @example WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd */
      next_cursor: string | null;
    };
    Account: {
      /**
       * Format: uuid
       * @example 6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10
       */
      id: string;
      /** @example Current account */
      name: string;
      /** @enum {string} */
      type: 'BANK' | 'WALLET' | 'CASH' | 'CREDIT_CARD' | 'LOAN' | 'INVESTMENT';
      /** @example EUR */
      currency: string;
      /** @example Banco Central */
      institution: string | null;
      /**
       * @description Credits minus debits, adjustments included; computed, never stored
       * @example 12.34
       */
      balance: string;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      created_at: string;
    };
    CreateAccountRequest: {
      /**
       * @description Leading and trailing white space is removed first; 1 to 120 characters after that. NUL (U+0000) is refused.
       * @example Current account
       */
      name: string;
      /**
       * @example BANK
       * @enum {string}
       */
      type: 'BANK' | 'WALLET' | 'CASH' | 'CREDIT_CARD' | 'LOAN' | 'INVESTMENT';
      /**
       * @description ISO 4217 code
       * @example EUR
       * @enum {string}
       */
      currency:
        | 'AED'
        | 'ARS'
        | 'AUD'
        | 'BHD'
        | 'BRL'
        | 'CAD'
        | 'CHF'
        | 'CLP'
        | 'CNY'
        | 'COP'
        | 'CZK'
        | 'DKK'
        | 'EUR'
        | 'GBP'
        | 'HKD'
        | 'HUF'
        | 'IDR'
        | 'ILS'
        | 'INR'
        | 'ISK'
        | 'JOD'
        | 'JPY'
        | 'KRW'
        | 'KWD'
        | 'MXN'
        | 'MYR'
        | 'NOK'
        | 'NZD'
        | 'OMR'
        | 'PEN'
        | 'PHP'
        | 'PLN'
        | 'RON'
        | 'SAR'
        | 'SEK'
        | 'SGD'
        | 'THB'
        | 'TND'
        | 'TRY'
        | 'TWD'
        | 'UAH'
        | 'USD'
        | 'UYU'
        | 'VND'
        | 'ZAR';
      /**
       * @description Leading and trailing white space is removed first; 1 to 120 characters after that. NUL (U+0000) is refused.
       * @example Banco Central
       */
      institution?: string;
    };
    TransactionPage: {
      data: components['schemas']['Transaction'][];
      /** @example WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd */
      next_cursor: string | null;
    };
    Transaction: {
      /**
       * Format: uuid
       * @example 0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21
       */
      id: string;
      /**
       * Format: uuid
       * @example 6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10
       */
      account_id: string;
      /**
       * Format: uuid
       * @example 9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e
       */
      category_id: string | null;
      /**
       * @description Decimal string with exactly the currency's decimals
       * @example 12.34
       */
      amount: string;
      /** @example EUR */
      currency: string;
      /** @enum {string} */
      direction: 'CREDIT' | 'DEBIT';
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      occurred_at: string;
      /** @example Groceries at the market */
      description: string | null;
      /** @enum {string} */
      kind: 'REGULAR' | 'ADJUSTMENT';
      /**
       * Format: uuid
       * @example null
       */
      adjusts_transaction_id: string | null;
    };
    CreateTransactionRequest: {
      /**
       * Format: uuid
       * @example 6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10
       */
      account_id: string;
      /**
       * Format: uuid
       * @example 9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e
       */
      category_id?: string | null;
      /**
       * @description A positive decimal as a string ("0" is refused), at most 15 integer digits and at most the currency's decimals (EUR 2, JPY 0, BHD 3).
       * @example 12.34
       */
      amount: string;
      /**
       * @description Optional; when given it must be the account's currency
       * @example EUR
       * @enum {string}
       */
      currency?:
        | 'AED'
        | 'ARS'
        | 'AUD'
        | 'BHD'
        | 'BRL'
        | 'CAD'
        | 'CHF'
        | 'CLP'
        | 'CNY'
        | 'COP'
        | 'CZK'
        | 'DKK'
        | 'EUR'
        | 'GBP'
        | 'HKD'
        | 'HUF'
        | 'IDR'
        | 'ILS'
        | 'INR'
        | 'ISK'
        | 'JOD'
        | 'JPY'
        | 'KRW'
        | 'KWD'
        | 'MXN'
        | 'MYR'
        | 'NOK'
        | 'NZD'
        | 'OMR'
        | 'PEN'
        | 'PHP'
        | 'PLN'
        | 'RON'
        | 'SAR'
        | 'SEK'
        | 'SGD'
        | 'THB'
        | 'TND'
        | 'TRY'
        | 'TWD'
        | 'UAH'
        | 'USD'
        | 'UYU'
        | 'VND'
        | 'ZAR';
      /**
       * @description CREDIT is money in, DEBIT money out
       * @example DEBIT
       * @enum {string}
       */
      direction: 'CREDIT' | 'DEBIT';
      /**
       * Format: date-time
       * @description Defaults to now; ISO 8601 with an offset, between 1900-01-01 and 2199-12-31
       * @example 2025-03-14T09:30:00Z
       */
      occurred_at?: string;
      /**
       * @description Leading and trailing white space is removed first; 1 to 500 characters after that. NUL (U+0000) is refused.
       * @example Groceries at the market
       */
      description?: string;
    };
    ApprovalHeld: {
      approval_request: {
        /** Format: uuid */
        id: string;
        /** @enum {string} */
        status: 'PENDING' | 'EXECUTED' | 'REJECTED' | 'WITHDRAWN' | 'EXPIRED' | 'FAILED';
        /** @example transaction.adjust */
        action: string;
        /** Format: uuid */
        tenant_id: string | null;
        /** @example Transaction */
        target_type: string | null;
        target_id: string | null;
        reason: string;
        approvals_required: number;
        approvals_given: number;
        /**
         * Format: date-time
         * @example 2025-03-14T09:30:00.000Z
         */
        expires_at: string;
        /**
         * Format: date-time
         * @example 2025-03-14T09:30:00.000Z
         */
        created_at: string;
      };
    };
    CreateAdjustmentRequest: {
      /**
       * @description A positive decimal as a string ("0" is refused), at most 15 integer digits and at most the currency's decimals (EUR 2, JPY 0, BHD 3).
       * @example 12.34
       */
      amount: string;
      /**
       * @description CREDIT is money in, DEBIT money out
       * @example DEBIT
       * @enum {string}
       */
      direction: 'CREDIT' | 'DEBIT';
      /**
       * @description Leading and trailing white space is removed first; 1 to 500 characters after that. NUL (U+0000) is refused.
       * @example Correction of a duplicated charge
       */
      description?: string;
      /**
       * @description Leading and trailing white space is removed first; 3 to 2000 characters after that. NUL (U+0000) is refused.
       * @example The merchant charged twice; refund confirmed
       */
      reason: string;
    };
    CategoryPage: {
      data: components['schemas']['Category'][];
      /** @example WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd */
      next_cursor: string | null;
    };
    Category: {
      /**
       * Format: uuid
       * @example 9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e
       */
      id: string;
      /** @example Groceries */
      name: string;
      /** @enum {string} */
      kind: 'INCOME' | 'EXPENSE' | 'TRANSFER';
      is_system: boolean;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      created_at: string;
    };
    CreateCategoryRequest: {
      /**
       * @description Leading and trailing white space is removed first; 1 to 80 characters after that. NUL (U+0000) is refused.
       * @example Pets
       */
      name: string;
      /**
       * @example EXPENSE
       * @enum {string}
       */
      kind?: 'INCOME' | 'EXPENSE' | 'TRANSFER';
    };
    BudgetPage: {
      data: components['schemas']['Budget'][];
      /** @example WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd */
      next_cursor: string | null;
    };
    Budget: {
      /**
       * Format: uuid
       * @example c3e1a2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d
       */
      id: string;
      /**
       * Format: uuid
       * @example 9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e
       */
      category_id: string;
      /** @example Groceries budget */
      name: string;
      /**
       * @description The limit per period
       * @example 400.00
       */
      amount: string;
      /** @example EUR */
      currency: string;
      /** @enum {string} */
      period: 'WEEKLY' | 'MONTHLY' | 'YEARLY';
      /**
       * Format: date
       * @example 2025-03-01
       */
      starts_on: string;
      /**
       * Format: date
       * @example 2025-03-01
       */
      ends_on: string | null;
      /**
       * Format: date
       * @description First day of the current period
       * @example 2025-03-01
       */
      period_start: string;
      /**
       * Format: date
       * @description Last day of the current period (inclusive)
       * @example 2025-03-01
       */
      period_end: string;
      /**
       * @description Debits minus credits of the category in the current period
       * @example 123.45
       */
      spent: string;
      /**
       * @description amount minus spent (negative when over budget)
       * @example 276.55
       */
      remaining: string;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      created_at: string;
    };
    CreateBudgetRequest: {
      /**
       * Format: uuid
       * @example 9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e
       */
      category_id: string;
      /**
       * @description Leading and trailing white space is removed first; 1 to 120 characters after that. NUL (U+0000) is refused.
       * @example Groceries budget
       */
      name: string;
      /**
       * @description A positive decimal as a string ("0" is refused), at most 15 integer digits and at most the currency's decimals (EUR 2, JPY 0, BHD 3).
       * @example 400.00
       */
      amount: string;
      /**
       * @description ISO 4217 code
       * @example EUR
       * @enum {string}
       */
      currency:
        | 'AED'
        | 'ARS'
        | 'AUD'
        | 'BHD'
        | 'BRL'
        | 'CAD'
        | 'CHF'
        | 'CLP'
        | 'CNY'
        | 'COP'
        | 'CZK'
        | 'DKK'
        | 'EUR'
        | 'GBP'
        | 'HKD'
        | 'HUF'
        | 'IDR'
        | 'ILS'
        | 'INR'
        | 'ISK'
        | 'JOD'
        | 'JPY'
        | 'KRW'
        | 'KWD'
        | 'MXN'
        | 'MYR'
        | 'NOK'
        | 'NZD'
        | 'OMR'
        | 'PEN'
        | 'PHP'
        | 'PLN'
        | 'RON'
        | 'SAR'
        | 'SEK'
        | 'SGD'
        | 'THB'
        | 'TND'
        | 'TRY'
        | 'TWD'
        | 'UAH'
        | 'USD'
        | 'UYU'
        | 'VND'
        | 'ZAR';
      /**
       * @example MONTHLY
       * @enum {string}
       */
      period?: 'WEEKLY' | 'MONTHLY' | 'YEARLY';
      /**
       * Format: date
       * @description A date between 1900-01-01 and 2199-12-31
       * @example 2025-03-01
       */
      starts_on: string;
      /**
       * Format: date
       * @description Optional last day (between 1900-01-01 and 2199-12-31); on or after starts_on, else 400 with detail {field: "ends_on", code: "invalid"}
       * @example null
       */
      ends_on?: string | null;
    };
    RectifyMeRequest: {
      /**
       * @description Leading and trailing white space is removed first; 1 to 200 characters after that. NUL (U+0000) is refused.
       * @example Ana García López
       */
      name?: string;
      /**
       * @description Leading and trailing white space is removed first; 1 to 40 characters after that. NUL (U+0000) is refused.
       * @example +34 600 000 000
       */
      phone?: string;
      /** @enum {string} */
      locale?: 'en' | 'es';
      /**
       * Format: email
       * @description A new address takes effect once its verification link (sent to it) is followed; the current address is told
       * @example ana.garcia@example.com
       */
      email?: string;
    };
    Consents: {
      /**
       * @description Marketing email (opt-in)
       * @example true
       */
      marketing: boolean;
      /**
       * @description Notifications (on until turned off)
       * @example true
       */
      notifications: boolean;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      updated_at: string | null;
      /** @description The latest changes, newest first */
      history: components['schemas']['ConsentChange'][];
    };
    ConsentChange: {
      /** @enum {string} */
      purpose: 'MARKETING' | 'NOTIFICATIONS';
      granted: boolean;
      /** @enum {string} */
      source: 'REGISTRATION' | 'API' | 'SUPPORT';
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      at: string;
    };
    ConsentsRequest: {
      /** @example true */
      marketing?: boolean;
      /** @example true */
      notifications?: boolean;
    };
    ExportJob: {
      /**
       * Format: uuid
       * @example 5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a
       */
      id: string;
      /** @enum {string} */
      status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
      /** @example TenantBundle */
      resource: string;
      /** @enum {string} */
      format: 'JSON' | 'CSV' | 'NDJSON';
      /** @example 1200 */
      rows_done: number;
      /** @example 5400 */
      rows_total: number | null;
      /** @example null */
      sha256: string | null;
      /** @example null */
      error: string | null;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      created_at: string;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      started_at: string | null;
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      finished_at: string | null;
      /**
       * @description Where to fetch the file once COMPLETED
       * @example null
       */
      download_url: string | null;
    };
    ErasureRequest: {
      /**
       * Format: uuid
       * @example 1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d
       */
      user_id: string;
      /** @enum {string} */
      status: 'CLOSED';
      /**
       * Format: date-time
       * @example 2025-03-14T09:30:00.000Z
       */
      closed_at: string;
      /**
       * Format: date-time
       * @description When personal data will be erased (after the grace period)
       * @example 2025-03-14T09:30:00.000Z
       */
      erasure_due_at: string;
      /** @description True when the owner closed the whole household */
      tenant_closed: boolean;
    };
    DeleteMeRequest: {
      /**
       * @description Leading and trailing white space is removed first; 1 to 2000 characters after that. NUL (U+0000) is refused.
       * @example I no longer use the app
       */
      reason?: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  register: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "email": "ana@example.com",
         *       "password": "correct-Horse-battery-42",
         *       "name": "Ana García",
         *       "tenant_name": "The García household"
         *     }
         */
        'application/json': components['schemas']['RegisterRequest'];
      };
    };
    responses: {
      /** @description The new owner and their tenant */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
           *       "email": "ana@example.com",
           *       "name": "Ana García",
           *       "role": "OWNER",
           *       "status": "ACTIVE",
           *       "locale": "es",
           *       "phone": null,
           *       "email_verified": true,
           *       "pending_email": null,
           *       "terms_version": "2026-01",
           *       "terms_accepted_at": "2025-03-14T09:30:00.000Z",
           *       "created_at": "2025-03-14T09:30:00.000Z",
           *       "tenant": {
           *         "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
           *         "name": "The García household",
           *         "slug": "hh-5f1c2a9b0d3e",
           *         "status": "ACTIVE",
           *         "base_currency": "EUR"
           *       }
           *     }
           */
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "email": "ana@example.com",
         *       "password": "correct-Horse-battery-42"
         *     }
         */
        'application/json': components['schemas']['TokenRequest'];
      };
    };
    responses: {
      /** @description A token pair */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.sig",
           *       "refresh_token": "rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu",
           *       "token_type": "Bearer",
           *       "expires_in": 900
           *     }
           */
          'application/json': components['schemas']['TokenPair'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  refreshToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "refresh_token": "rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu"
         *     }
         */
        'application/json': components['schemas']['RefreshRequest'];
      };
    };
    responses: {
      /** @description A new token pair */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.sig",
           *       "refresh_token": "rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu",
           *       "token_type": "Bearer",
           *       "expires_in": 900
           *     }
           */
          'application/json': components['schemas']['TokenPair'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "refresh_token": "rt_Qm9vb2tlZXBlci1leGFtcGxlLXRva2Vu"
         *     }
         */
        'application/json': components['schemas']['RefreshRequest'];
      };
    };
    responses: {
      /** @description Logged out */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  requestPasswordReset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "email": "ana@example.com"
         *     }
         */
        'application/json': components['schemas']['PasswordResetRequest'];
      };
    };
    responses: {
      /** @description Accepted (the same answer for every address) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "status": "accepted",
           *       "message": "If an account uses this address, a link to reset its password is on its way."
           *     }
           */
          'application/json': components['schemas']['Accepted'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  confirmPasswordReset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "token": "eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl",
         *       "password": "new-Correct-horse-43"
         *     }
         */
        'application/json': components['schemas']['PasswordResetConfirm'];
      };
    };
    responses: {
      /** @description The password is changed; log in with it */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  verifyEmail: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "token": "eyJ1IjoiMWQyYzNiNGEifQ.c2lnbmF0dXJl"
         *     }
         */
        'application/json': components['schemas']['VerifyEmailRequest'];
      };
    };
    responses: {
      /** @description The address is verified */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "email_verified": true,
           *       "email_changed": false
           *     }
           */
          'application/json': components['schemas']['VerifyEmailResult'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The user */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
           *       "email": "ana@example.com",
           *       "name": "Ana García",
           *       "role": "OWNER",
           *       "status": "ACTIVE",
           *       "locale": "es",
           *       "phone": null,
           *       "email_verified": true,
           *       "pending_email": null,
           *       "terms_version": "2026-01",
           *       "terms_accepted_at": "2025-03-14T09:30:00.000Z",
           *       "created_at": "2025-03-14T09:30:00.000Z",
           *       "tenant": {
           *         "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
           *         "name": "The García household",
           *         "slug": "hh-5f1c2a9b0d3e",
           *         "status": "ACTIVE",
           *         "base_currency": "EUR"
           *       }
           *     }
           */
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        /**
         * @example {
         *       "reason": "I no longer use the app"
         *     }
         */
        'application/json': components['schemas']['DeleteMeRequest'];
      };
    };
    responses: {
      /** @description Closed; erasure scheduled */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "user_id": "1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
           *       "status": "CLOSED",
           *       "closed_at": "2025-03-14T09:30:00.000Z",
           *       "erasure_due_at": "2025-04-13T09:30:00.000Z",
           *       "tenant_closed": false
           *     }
           */
          'application/json': components['schemas']['ErasureRequest'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  rectifyMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "name": "Ana García López",
         *       "email": "ana.garcia@example.com"
         *     }
         */
        'application/json': components['schemas']['RectifyMeRequest'];
      };
    };
    responses: {
      /** @description The user after the change */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "1d2c3b4a-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
           *       "email": "ana@example.com",
           *       "name": "Ana García López",
           *       "role": "OWNER",
           *       "status": "ACTIVE",
           *       "locale": "es",
           *       "phone": null,
           *       "email_verified": true,
           *       "pending_email": "ana.garcia@example.com",
           *       "terms_version": "2026-01",
           *       "terms_accepted_at": "2025-03-14T09:30:00.000Z",
           *       "created_at": "2025-03-14T09:30:00.000Z",
           *       "tenant": {
           *         "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
           *         "name": "The García household",
           *         "slug": "hh-5f1c2a9b0d3e",
           *         "status": "ACTIVE",
           *         "base_currency": "EUR"
           *       }
           *     }
           */
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listAccounts: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page (opaque) */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of accounts, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *           "name": "Current account",
           *           "type": "BANK",
           *           "currency": "EUR",
           *           "institution": "Banco Central",
           *           "balance": "1520.75",
           *           "created_at": "2025-01-02T10:00:00.000Z"
           *         }
           *       ],
           *       "next_cursor": "WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd"
           *     }
           */
          'application/json': components['schemas']['AccountPage'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createAccount: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "name": "Current account",
         *       "type": "BANK",
         *       "currency": "EUR",
         *       "institution": "Banco Central"
         *     }
         */
        'application/json': components['schemas']['CreateAccountRequest'];
      };
    };
    responses: {
      /** @description The new account (balance 0) */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *       "name": "Current account",
           *       "type": "BANK",
           *       "currency": "EUR",
           *       "institution": "Banco Central",
           *       "balance": "0.00",
           *       "created_at": "2025-01-02T10:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['Account'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getAccount: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The account */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *       "name": "Current account",
           *       "type": "BANK",
           *       "currency": "EUR",
           *       "institution": "Banco Central",
           *       "balance": "1520.75",
           *       "created_at": "2025-01-02T10:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['Account'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listTransactions: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page (opaque) */
        cursor?: string;
        account_id?: string;
        category_id?: string;
        /** @description Inclusive lower bound of occurred_at (ISO 8601 with an offset, between 1900-01-01 and 2199-12-31) */
        from?: string;
        /** @description Exclusive upper bound of occurred_at (ISO 8601 with an offset, between 1900-01-01 and 2199-12-31) */
        to?: string;
        direction?: 'CREDIT' | 'DEBIT';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of transactions */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21",
           *           "account_id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *           "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *           "amount": "12.34",
           *           "currency": "EUR",
           *           "direction": "DEBIT",
           *           "occurred_at": "2025-03-14T09:30:00.000Z",
           *           "description": "Groceries at the market",
           *           "kind": "REGULAR",
           *           "adjusts_transaction_id": null
           *         }
           *       ],
           *       "next_cursor": "WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd"
           *     }
           */
          'application/json': components['schemas']['TransactionPage'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createTransaction: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "account_id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
         *       "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
         *       "amount": "12.34",
         *       "direction": "DEBIT",
         *       "occurred_at": "2025-03-14T09:30:00Z",
         *       "description": "Groceries at the market"
         *     }
         */
        'application/json': components['schemas']['CreateTransactionRequest'];
      };
    };
    responses: {
      /** @description The new transaction */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21",
           *       "account_id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *       "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *       "amount": "12.34",
           *       "currency": "EUR",
           *       "direction": "DEBIT",
           *       "occurred_at": "2025-03-14T09:30:00.000Z",
           *       "description": "Groceries at the market",
           *       "kind": "REGULAR",
           *       "adjusts_transaction_id": null
           *     }
           */
          'application/json': components['schemas']['Transaction'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createAdjustment: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "amount": "12.34",
         *       "direction": "CREDIT",
         *       "description": "Correction of a duplicated charge",
         *       "reason": "The merchant charged twice; refund confirmed"
         *     }
         */
        'application/json': components['schemas']['CreateAdjustmentRequest'];
      };
    };
    responses: {
      /** @description The adjustment */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c",
           *       "account_id": "6f1c2b9e-4a51-4d7c-9a53-2f0e8d6b1a10",
           *       "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *       "amount": "12.34",
           *       "currency": "EUR",
           *       "direction": "CREDIT",
           *       "occurred_at": "2025-03-14T09:30:00.000Z",
           *       "description": "Correction of a duplicated charge",
           *       "kind": "ADJUSTMENT",
           *       "adjusts_transaction_id": "0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21"
           *     }
           */
          'application/json': components['schemas']['Transaction'];
        };
      };
      /** @description Above the approval threshold of its currency the adjustment is held for a second person (four-eyes): the approval request */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalHeld'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listCategories: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page (opaque) */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of categories */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *           "name": "Groceries",
           *           "kind": "EXPENSE",
           *           "is_system": true,
           *           "created_at": "2025-01-02T10:00:00.000Z"
           *         }
           *       ],
           *       "next_cursor": "WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd"
           *     }
           */
          'application/json': components['schemas']['CategoryPage'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createCategory: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "name": "Pets",
         *       "kind": "EXPENSE"
         *     }
         */
        'application/json': components['schemas']['CreateCategoryRequest'];
      };
    };
    responses: {
      /** @description The new category */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *       "name": "Pets",
           *       "kind": "EXPENSE",
           *       "is_system": false,
           *       "created_at": "2025-01-02T10:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['Category'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listBudgets: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page (opaque) */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of budgets */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "data": [
           *         {
           *           "id": "c3e1a2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d",
           *           "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *           "name": "Groceries budget",
           *           "amount": "400.00",
           *           "currency": "EUR",
           *           "period": "MONTHLY",
           *           "starts_on": "2025-01-01",
           *           "ends_on": null,
           *           "period_start": "2025-03-01",
           *           "period_end": "2025-03-31",
           *           "spent": "123.45",
           *           "remaining": "276.55",
           *           "created_at": "2025-01-02T10:00:00.000Z"
           *         }
           *       ],
           *       "next_cursor": "WzEsIjIwMjUtMDMtMTRUMDk6MzA6MDAuMDAwWiIsIi4uLiJd"
           *     }
           */
          'application/json': components['schemas']['BudgetPage'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createBudget: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
         *       "name": "Groceries budget",
         *       "amount": "400.00",
         *       "currency": "EUR",
         *       "period": "MONTHLY",
         *       "starts_on": "2025-01-01"
         *     }
         */
        'application/json': components['schemas']['CreateBudgetRequest'];
      };
    };
    responses: {
      /** @description The new budget */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "c3e1a2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d",
           *       "category_id": "9a2d4f6b-1c3e-4b5a-8d7f-0e1c2b3a4d5e",
           *       "name": "Groceries budget",
           *       "amount": "400.00",
           *       "currency": "EUR",
           *       "period": "MONTHLY",
           *       "starts_on": "2025-01-01",
           *       "ends_on": null,
           *       "period_start": "2025-03-01",
           *       "period_end": "2025-03-31",
           *       "spent": "123.45",
           *       "remaining": "276.55",
           *       "created_at": "2025-01-02T10:00:00.000Z"
           *     }
           */
          'application/json': components['schemas']['Budget'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  resendEmailVerification: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A new link is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyConsents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The consents */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "marketing": true,
           *       "notifications": true,
           *       "updated_at": "2025-03-14T09:30:00.000Z",
           *       "history": [
           *         {
           *           "purpose": "MARKETING",
           *           "granted": true,
           *           "source": "API",
           *           "at": "2025-03-14T09:30:00.000Z"
           *         }
           *       ]
           *     }
           */
          'application/json': components['schemas']['Consents'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setMyConsents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "marketing": true
         *     }
         */
        'application/json': components['schemas']['ConsentsRequest'];
      };
    };
    responses: {
      /** @description The consents after the change */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "marketing": true,
           *       "notifications": true,
           *       "updated_at": "2025-03-14T09:30:00.000Z",
           *       "history": [
           *         {
           *           "purpose": "MARKETING",
           *           "granted": true,
           *           "source": "API",
           *           "at": "2025-03-14T09:30:00.000Z"
           *         }
           *       ]
           *     }
           */
          'application/json': components['schemas']['Consents'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  requestMyExport: {
    parameters: {
      query?: never;
      header: {
        /** @description Unique per request you mean once; replays return the first response */
        'idempotency-key': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The export job */
      201: {
        headers: {
          /** @description "true" when this is the stored response of an earlier request */
          'Idempotent-Replayed'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
           *       "status": "QUEUED",
           *       "resource": "TenantBundle",
           *       "format": "JSON",
           *       "rows_done": 0,
           *       "rows_total": null,
           *       "sha256": null,
           *       "error": null,
           *       "created_at": "2025-03-14T09:30:00.000Z",
           *       "started_at": null,
           *       "finished_at": null,
           *       "download_url": null
           *     }
           */
          'application/json': components['schemas']['ExportJob'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyExport: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The export job with its progress */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
           *       "status": "RUNNING",
           *       "resource": "TenantBundle",
           *       "format": "JSON",
           *       "rows_done": 1200,
           *       "rows_total": 5400,
           *       "sha256": null,
           *       "error": null,
           *       "created_at": "2025-03-14T09:30:00.000Z",
           *       "started_at": "2025-03-14T09:30:02.000Z",
           *       "finished_at": null,
           *       "download_url": null
           *     }
           */
          'application/json': components['schemas']['ExportJob'];
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  downloadMyExport: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The export file: the household's data as one JSON document (right of access) */
      200: {
        headers: {
          /** @description sha-256=<base64> of the file */
          Digest?: string;
          /** @description attachment; filename="…" */
          'Content-Disposition'?: string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "tenant": {
           *         "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
           *         "name": "The García household",
           *         "baseCurrency": "EUR"
           *       },
           *       "users": [],
           *       "accounts": [],
           *       "categories": [],
           *       "transactions": [],
           *       "budgets": [],
           *       "recurringRules": [],
           *       "assets": [],
           *       "liabilities": [],
           *       "loans": []
           *     }
           */
          'application/json': Record<string, never>;
        };
      };
      /** @description The request is not valid (details name each field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "VALIDATION_ERROR",
           *         "message": "The request is not valid.",
           *         "details": [
           *           {
           *             "field": "amount",
           *             "code": "too_many_decimals",
           *             "message": "Too many decimal places for this currency."
           *           }
           *         ],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Missing, invalid or expired credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "UNAUTHENTICATED",
           *         "message": "Authentication is required.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not allowed (e.g. the tenant is suspended) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "FORBIDDEN",
           *         "message": "This account is suspended.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found (also for other tenants' records) */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "NOT_FOUND",
           *         "message": "Not found.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: duplicate, or Idempotency-Key reused with a different request */
      409: {
        headers: {
          /** @description Present when an earlier request with this Idempotency-Key is still being processed: retry after it */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "CONFLICT",
           *         "message": "This Idempotency-Key was already used with a different request.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is larger than 64 kB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "PAYLOAD_TOO_LARGE",
           *         "message": "The request body is too large.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Rate limited; retry after Retry-After seconds */
      429: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "RATE_LIMITED",
           *         "message": "Too many requests. Please wait and try again.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Unexpected error (quote the correlation id) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "INTERNAL_ERROR",
           *         "message": "Something went wrong on our side. Quote the correlation id when contacting support.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Temporarily unavailable; retry */
      503: {
        headers: {
          /** @description Seconds to wait before retrying */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "error": {
           *         "code": "SERVICE_UNAVAILABLE",
           *         "message": "The service is temporarily unavailable. Please retry shortly.",
           *         "details": [],
           *         "correlation_id": "5b0c3f0e-2d0a-4b8e-9f61-2c1d9e6a7b30"
           *       }
           *     }
           */
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
}
