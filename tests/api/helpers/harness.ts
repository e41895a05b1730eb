import { appendFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import createClient, { type Client } from 'openapi-fetch';
import supertest from 'supertest';
import { buildServer } from '../../../src/http/server.js';
import { createTestContext, type TestContext } from '../../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../../helpers/factories.js';
import type { paths } from '../generated/openapi.js';
import { assertContract, checked } from './contract.js';
import { startPrism, type PrismProxy } from './prism.js';

export { checked, STRONG_PASSWORD };

export interface ApiHarness {
  t: TestContext;
  baseUrl: string;
  server: Server;
  /** Typed client generated from the OpenAPI document; every response is contract-checked. */
  client: Client<paths>;
  /** supertest against the running server (wrap responses in `checked`). */
  http: () => ReturnType<typeof supertest>;
  f: ReturnType<typeof factories>;
  /** The validating proxy in front of the server, when CONTRACT_PROXY=prism. */
  prism?: PrismProxy;
  close: () => Promise<void>;
}

/** Generous limits unless a test is about rate limiting. */
const DEFAULT_ENV = { RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' };

/** A fresh database, the whole server (buildServer) listening on a free port, and clients. */
export async function startApi(env: Record<string, string> = {}): Promise<ApiHarness> {
  const t = await createTestContext({ ...DEFAULT_ENV, ...env });
  const app = await buildServer(t.runtime, t.services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // CONTRACT_PROXY=prism: every request goes through Stoplight Prism validating the responses.
  const prism: PrismProxy | undefined = process.env.CONTRACT_PROXY === 'prism' ? await startPrism(serverUrl) : undefined;
  const baseUrl = prism?.url ?? serverUrl;
  const client = createClient<paths>({ baseUrl });
  client.use({
    async onResponse({ request, response }) {
      const text = await response.clone().text();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      assertContract(request.method, request.url, response.status, body, response.headers.get('content-type') ?? undefined);
      return response;
    },
  });
  return {
    t,
    baseUrl,
    server,
    client,
    http: () => supertest(baseUrl),
    f: factories(t.owner.prisma, t.services),
    ...(prism ? { prism } : {}),
    close: async () => {
      if (prism) {
        await prism.close();
        const violations = prism.responseViolations();
        recordPrismRun(prism.allViolations(), violations, prism.bypassed());
        if (violations.length) throw new Error(`Prism found responses outside the document:\n${violations.join('\n')}`);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** Appends this file's Prism findings to PRISM_REPORT (a JSON-lines file the script summarises). */
function recordPrismRun(all: string[], responses: string[], bypassed: number): void {
  const report = process.env.PRISM_REPORT;
  if (!report) return;
  appendFileSync(
    report,
    `${JSON.stringify({ file: expect.getState().testPath, violations: all.length, responseViolations: responses, bypassed })}\n`,
  );
}

let sequence = 0;
/** A fresh Idempotency-Key. */
export const newKey = (label = 'k') => `${label}-${process.pid}-${Date.now().toString(36)}-${++sequence}`;

export interface SignedInUser {
  userId: string;
  tenantId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

/** Registers a new household through the API and logs its owner in. */
export async function signUp(h: ApiHarness, label = 'user'): Promise<SignedInUser> {
  const email = `${label}-${newKey()}@example.test`.toLowerCase();
  const reg = checked(
    await h
      .http()
      .post('/api/v1/auth/register')
      .set('Idempotency-Key', newKey('reg'))
      .send({ email, password: STRONG_PASSWORD, name: 'Test Person', tenant_name: `${label} household` }),
  );
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const tok = checked(await h.http().post('/api/v1/auth/token').send({ email, password: STRONG_PASSWORD }));
  if (tok.status !== 200) throw new Error(`token failed: ${tok.status} ${JSON.stringify(tok.body)}`);
  return {
    userId: reg.body.id,
    tenantId: reg.body.tenant.id,
    email,
    accessToken: tok.body.access_token,
    refreshToken: tok.body.refresh_token,
    auth: { Authorization: `Bearer ${tok.body.access_token}` },
  };
}
