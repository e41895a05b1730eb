import { randomUUID } from 'node:crypto';

/** A response of the public API: status and parsed JSON body (null when not JSON). */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RegisteredUser {
  email: string;
  password: string;
  name: string;
  tenantName: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * A small client for the public API (SPEC §4.3), over fetch, for benches, the soak, the sqlmap
 * driver and the ops tests. It speaks the wire contract (snake_case), nothing internal.
 */
export function apiClient(baseUrl: string) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      idempotencyKey?: string | false;
      headers?: Record<string, string>;
      timeoutMs?: number;
    } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST' && options.idempotencyKey !== false)
      headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  function expectStatus<T>(res: ApiResponse<T>, expected: number, what: string): ApiResponse<T> {
    if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  /** Registers a tenant and its owner, then logs in. */
  async function registerAndLogin(
    overrides: Partial<{ email: string; password: string; name: string; tenantName: string }> = {},
  ): Promise<RegisteredUser> {
    const suffix = randomUUID().slice(0, 8);
    const user = {
      email: overrides.email ?? `ops-${suffix}@example.test`,
      password: overrides.password ?? `Quiet-harbour-${suffix}-lamp`,
      name: overrides.name ?? `Ops Tester ${suffix}`,
      tenantName: overrides.tenantName ?? `Ops household ${suffix}`,
    };
    expectStatus(
      await call('POST', '/api/v1/auth/register', {
        body: { email: user.email, password: user.password, name: user.name, tenant_name: user.tenantName },
      }),
      201,
      'register',
    );
    const tokens = await login(user.email, user.password);
    return { ...user, ...tokens };
  }

  async function login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = expectStatus(
      await call<{ access_token: string; refresh_token: string }>('POST', '/api/v1/auth/token', {
        body: { email, password },
        idempotencyKey: false,
      }),
      200,
      'token',
    );
    return { accessToken: res.body.access_token, refreshToken: res.body.refresh_token };
  }

  async function createAccount(token: string, body: { name?: string; type?: string; currency?: string } = {}) {
    const res = await call<{ id: string; currency: string }>('POST', '/api/v1/accounts', {
      token,
      body: { name: body.name ?? 'Everyday account', type: body.type ?? 'BANK', currency: body.currency ?? 'EUR' },
    });
    return expectStatus(res, 201, 'create account').body;
  }

  async function createTransaction(
    token: string,
    account: { id: string; currency: string },
    body: Partial<{ amount: string; direction: 'CREDIT' | 'DEBIT'; description: string; category_id: string }> = {},
  ) {
    const res = await call<{ id: string }>('POST', '/api/v1/transactions', {
      token,
      body: {
        account_id: account.id,
        amount: body.amount ?? '12.34',
        currency: account.currency,
        direction: body.direction ?? 'DEBIT',
        occurred_at: new Date().toISOString(),
        description: body.description ?? 'Groceries',
        ...(body.category_id ? { category_id: body.category_id } : {}),
      },
    });
    return expectStatus(res, 201, 'create transaction').body;
  }

  return { call, expectStatus, registerAndLogin, login, createAccount, createTransaction };
}

export type ApiClient = ReturnType<typeof apiClient>;
