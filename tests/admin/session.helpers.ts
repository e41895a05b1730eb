import type { Express } from 'express';
import request from 'supertest';
import { buildServer } from '../../src/http/server.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories, STRONG_PASSWORD } from '../helpers/factories.js';

export { STRONG_PASSWORD };
export const SESSION_COOKIE = 'backoffice.sid';

export interface AdminHarness {
  t: TestContext;
  app: Express;
  f: ReturnType<typeof factories>;
  close: () => Promise<void>;
}

/**
 * A server over a fresh test database, with whatever environment the test needs. Tests log in
 * many times from one address: the login rate limit is raised unless a test sets it.
 */
export async function startAdmin(env: Record<string, string> = {}): Promise<AdminHarness> {
  const t = await createTestContext({ AUTH_RATE_LIMIT_PER_MINUTE: '1000', ...env });
  const app = await buildServer(t.runtime, t.services);
  return { t, app, f: factories(t.owner.prisma, t.services), close: () => t.close() };
}

/** Set-Cookie headers of a response, as an array. */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

/** The session cookie set by a response (the whole Set-Cookie line), if any. */
export function sessionCookieLine(res: { headers: Record<string, unknown> }): string | undefined {
  return setCookies(res).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
}

/** `name=value` of the session cookie, to send back as a Cookie header. */
export function sessionCookiePair(res: { headers: Record<string, unknown> }): string | undefined {
  return sessionCookieLine(res)?.split(';')[0];
}

/** The session id inside a signed cookie value (`s:<id>.<signature>`). */
export function sessionIdOf(pair: string): string {
  const value = decodeURIComponent(pair.split('=').slice(1).join('='));
  return value.slice(2, value.lastIndexOf('.'));
}

/** Logs in through the real form; returns the response (302 on success). */
export function postLogin(app: Express, email: string, password: string, headers: Record<string, string> = {}) {
  let req = request(app).post('/admin/login').type('form');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send({ email, password });
}

/** Logs in and returns the session cookie pair. */
export async function loginCookie(app: Express, email: string, password = STRONG_PASSWORD): Promise<string> {
  const res = await postLogin(app, email, password);
  const pair = sessionCookiePair(res);
  if (res.status !== 302 || !pair) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 200)}`);
  return pair;
}
