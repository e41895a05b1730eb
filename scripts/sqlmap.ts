/**
 * Driver of `npm run security:sqlmap` (see scripts/sqlmap.sh). Starts a dedicated embedded
 * PostgreSQL and the real server on 127.0.0.1, prepares data (users, accounts, transactions,
 * categories, budgets, an export) so every operation has valid ids, reads the operations from the
 * OpenAPI document (/api/schema) so none is forgotten, and runs sqlmap at --level 3 --risk 2 on
 * each with a freshly issued valid token. Results go to docs/security.md.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type RegisteredUser } from '../bench/lib/api-client.js';
import { describeMachine, machineLine } from '../bench/lib/machine.js';
import { startBenchPostgres } from '../bench/lib/postgres.js';
import { replaceSection } from '../bench/lib/report.js';
import { PROJECT_ROOT, spawnServer } from '../bench/lib/server-process.js';

const SQLMAP = process.env.SQLMAP ?? '/usr/bin/sqlmap';
const DOC = join(PROJECT_ROOT, 'docs', 'security.md');
const TAMPER = join(PROJECT_ROOT, 'scripts', 'sqlmap-tamper', 'idempotency_key.py');
const record = !process.argv.includes('--no-record');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;

interface Target {
  /** "METHOD /path/{param}" as in the OpenAPI document. */
  operation: string;
  method: string;
  /** Full URL; `*` marks a path segment to inject into. */
  url: string;
  data?: Record<string, unknown>;
  /** Who the request is made as: a fresh token is issued right before the run. */
  as?: 'main' | 'auth' | 'erase' | 'none';
  /** Status codes sqlmap should not treat as fatal for the original request. */
  ignoreCodes?: number[];
}

interface Outcome {
  target: Target;
  verdict: 'no injection point' | 'INJECTABLE' | 'NOT TESTED';
  parameters: string[];
  requests: number;
  seconds: number;
  logFile: string;
  detail?: string;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { example?: unknown; schema?: { example?: unknown } }> } }>
  >;
};

const log = (line: string) => process.stdout.write(`${line}\n`);

async function runSqlmap(target: Target, token: string | undefined, outDir: string): Promise<Outcome> {
  const args = [
    '-u',
    target.url,
    '--method',
    target.method,
    '--batch',
    '--level',
    '3',
    '--risk',
    '2',
    '--dbms',
    'PostgreSQL',
    '--threads',
    '2',
    '--flush-session',
    '--disable-coloring',
    '--output-dir',
    join(outDir, 'sessions'),
    '--ignore-code',
    (target.ignoreCodes ?? [401, 403, 404, 409, 422, 429]).join(','),
    '-H',
    'Accept: application/json',
    '-H',
    'Accept-Language: en',
  ];
  if (token) args.push('-H', `Authorization: Bearer ${token}`);
  if (target.method === 'POST') args.push('-H', `Idempotency-Key: sqlmap-original-${randomUUID()}`, '--tamper', TAMPER);
  if (target.data !== undefined) args.push('--data', JSON.stringify(target.data), '-H', 'Content-Type: application/json');
  // Below --level 4 sqlmap skips parameters whose name contains "token" (it takes them for
  // anti-CSRF tokens); a refresh token is exactly what must be tested, so name them all.
  const keys = Object.keys(target.data ?? {});
  if (keys.some((k) => /token|csrf|xsrf/i.test(k))) args.push('-p', [...keys, 'User-Agent', 'Referer'].join(','));
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(SQLMAP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  const seconds = (performance.now() - started) / 1000;
  const logFile = join(outDir, `${target.operation.replace(/[^a-z0-9]+/gi, '_')}.log`);
  writeFileSync(
    logFile,
    `sqlmap ${args.map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer <token>' : a)).join(' ')}\n\n${output}`,
  );
  const parameters = [
    ...new Set(
      [
        ...output.matchAll(/(?:parameter|Parameter) '([^']+)' (?:does not seem to be injectable|is vulnerable|appears to be)/g),
      ].map((m) => m[1]!),
    ),
  ];
  let verdict: Outcome['verdict'];
  let detail: string | undefined;
  // "appears to be ... injectable" is only a candidate: sqlmap then runs its false-positive checks
  // and either confirms it (the two messages below) or says "does not seem to be injectable".
  if (/sqlmap identified the following injection point|is vulnerable\. Do you want/.test(output)) {
    verdict = 'INJECTABLE';
    detail = output
      .split('\n')
      .filter((l) => /injectable|Payload:|Parameter:/.test(l))
      .slice(0, 10)
      .join(' / ');
  } else if (/all tested parameters do not appear to be injectable/.test(output)) {
    verdict = 'no injection point';
  } else {
    verdict = 'NOT TESTED';
    detail =
      output
        .split('\n')
        .filter((l) => /\[(CRITICAL|ERROR)\]/.test(l))
        .slice(0, 3)
        .join(' / ') || 'sqlmap ended without a verdict';
  }
  return { target, verdict, parameters, requests: 0, seconds, logFile, detail };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const outDir = mkdtempSync(join(tmpdir(), 'backoffice-sqlmap-'));
  log(`sqlmap ${SQLMAP}; logs in ${outDir}`);
  const pg = await startBenchPostgres();
  const server = await spawnServer({
    appUrl: pg.appUrl,
    ownerUrl: pg.ownerUrl(),
    env: { NODE_ENV: 'production', RUN_WORKER: 'true' },
  });
  if (!server.url.startsWith('http://127.0.0.1:')) throw new Error('refusing to attack anything but 127.0.0.1');
  const outcomes: Outcome[] = [];
  try {
    const api = apiClient(server.url);
    const base = server.url;
    // Data so every id in a path or body is real and the original requests succeed.
    const main = await api.registerAndLogin();
    const accounts = [
      await api.createAccount(main.accessToken, { name: 'Current account' }),
      await api.createAccount(main.accessToken, { name: 'Savings', type: 'INVESTMENT' }),
      await api.createAccount(main.accessToken, { name: 'Wallet', type: 'WALLET' }),
    ];
    const account = accounts[0]!;
    const categories = await api.call<{ data: Array<{ id: string }> }>('GET', '/api/v1/categories?limit=100', {
      token: main.accessToken,
    });
    const categoryId = categories.body.data[0]?.id;
    const txs = [];
    for (let i = 0; i < 5; i++)
      txs.push(
        await api.createTransaction(main.accessToken, account, {
          amount: `${i + 1}.50`,
          ...(categoryId ? { category_id: categoryId } : {}),
        }),
      );
    const cursorOf = async (path: string) =>
      (await api.call<{ next_cursor: string | null }>('GET', path, { token: main.accessToken })).body.next_cursor ?? '';
    const accountCursor = await cursorOf('/api/v1/accounts?limit=1');
    const txCursor = await cursorOf('/api/v1/transactions?limit=2');
    const exportRes = await api.call<{ id: string }>('POST', '/api/v1/me/exports', { token: main.accessToken, body: {} });
    const exportId = exportRes.body?.id ?? randomUUID();
    const authUser = await api.registerAndLogin();
    const eraseUser = await api.registerAndLogin();

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
    const known: Record<string, Omit<Target, 'operation' | 'method'>> = {
      'POST /api/v1/auth/register': {
        url: `${base}/api/v1/auth/register`,
        data: {
          email: `sqlmap-${randomUUID().slice(0, 8)}@example.test`,
          password: 'Sturdy-lantern-river-77',
          name: 'Sql Map',
          tenant_name: 'Sqlmap household',
        },
        as: 'none',
      },
      'POST /api/v1/auth/token': {
        url: `${base}/api/v1/auth/token`,
        // An unknown account: with a real one, sqlmap's payloads trip the per-account lockout and
        // the changing 200 -> 401 answer reads as a (false) boolean-based injection.
        data: { email: 'nobody-sqlmap@example.test', password: 'not-the-password-12345' },
        as: 'none',
      },
      'POST /api/v1/auth/refresh': { url: `${base}/api/v1/auth/refresh`, data: { refresh_token: '__REFRESH__' }, as: 'none' },
      'POST /api/v1/auth/logout': { url: `${base}/api/v1/auth/logout`, data: { refresh_token: '__REFRESH__' }, as: 'none' },
      'GET /api/v1/me': { url: `${base}/api/v1/me` },
      'GET /api/v1/accounts': { url: `${base}/api/v1/accounts?${q({ limit: '1', cursor: accountCursor })}` },
      'POST /api/v1/accounts': {
        url: `${base}/api/v1/accounts`,
        data: { name: 'Holiday fund', type: 'BANK', currency: 'EUR', institution: 'Banco Central' },
      },
      'GET /api/v1/accounts/{id}': { url: `${base}/api/v1/accounts/${account.id}*` },
      'GET /api/v1/transactions': {
        url: `${base}/api/v1/transactions?${q({ limit: '2', cursor: txCursor, account_id: account.id, ...(categoryId ? { category_id: categoryId } : {}), from, to, direction: 'DEBIT' })}`,
      },
      'POST /api/v1/transactions': {
        url: `${base}/api/v1/transactions`,
        data: {
          account_id: account.id,
          ...(categoryId ? { category_id: categoryId } : {}),
          amount: '9.99',
          currency: 'EUR',
          direction: 'DEBIT',
          occurred_at: new Date().toISOString(),
          description: 'Bakery',
        },
      },
      'POST /api/v1/transactions/{id}/adjustments': {
        url: `${base}/api/v1/transactions/${txs[0]!.id}*/adjustments`,
        data: { amount: '1.50', direction: 'CREDIT', description: 'Correction', reason: 'Charged twice by the merchant' },
      },
      'GET /api/v1/categories': { url: `${base}/api/v1/categories?${q({ limit: '5' })}` },
      'POST /api/v1/categories': { url: `${base}/api/v1/categories`, data: { name: 'Garden', kind: 'EXPENSE' } },
      'GET /api/v1/budgets': { url: `${base}/api/v1/budgets?${q({ limit: '5' })}` },
      'POST /api/v1/budgets': {
        url: `${base}/api/v1/budgets`,
        data: {
          category_id: categoryId,
          name: 'Food budget',
          amount: '300.00',
          currency: 'EUR',
          period: 'MONTHLY',
          starts_on: new Date().toISOString().slice(0, 10),
        },
      },
      'POST /api/v1/me/exports': { url: `${base}/api/v1/me/exports`, data: {} },
      'GET /api/v1/me/exports/{id}': { url: `${base}/api/v1/me/exports/${exportId}*` },
      'GET /api/v1/me/exports/{id}/download': { url: `${base}/api/v1/me/exports/${exportId}*/download` },
      'DELETE /api/v1/me': { url: `${base}/api/v1/me`, as: 'erase' },
    };

    // Real ids by the collection a path parameter belongs to, for operations the driver does not list.
    const realIds: Record<string, string> = { accounts: account.id, transactions: txs[0]!.id, exports: exportId };
    const schema = (await api.call<OpenApi>('GET', '/api/schema')).body;
    if (!schema?.paths) throw new Error('GET /api/schema did not return an OpenAPI document');
    const targets: Target[] = [];
    for (const [path, methods] of Object.entries(schema.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const operation = `${method.toUpperCase()} ${path}`;
        const def = known[operation];
        if (def) {
          targets.push({ operation, method: method.toUpperCase(), ...def });
          continue;
        }
        // An operation this driver does not know yet: path parameters get a real id and a marker,
        // the body is the OpenAPI example. Still tested, and listed as such in the report.
        const content = op.requestBody?.content?.['application/json'];
        const example = content?.example ?? content?.schema?.example;
        targets.push({
          operation,
          method: method.toUpperCase(),
          url: `${base}${path.replace(/([a-z-]+)\/\{[^}]+\}/g, (_m, resource: string) => `${resource}/${realIds[resource] ?? account.id}*`)}`,
          data: example as Record<string, unknown> | undefined,
        });
      }
    }
    // Erasure ends its user's session: last.
    targets.sort((a, b) => Number(a.as === 'erase') - Number(b.as === 'erase'));
    const selected = only ? targets.filter((t) => t.operation.includes(only)) : targets;
    log(`${selected.length} operations from /api/schema${only ? ` matching "${only}"` : ''}`);

    const users: Record<string, RegisteredUser> = { main, auth: authUser, erase: eraseUser };
    for (const target of selected) {
      const who = target.as ?? 'main';
      let token: string | undefined;
      if (who !== 'none') token = (await api.login(users[who]!.email, users[who]!.password)).accessToken;
      if (target.data && JSON.stringify(target.data).includes('__REFRESH__')) {
        const fresh = await api.login(authUser.email, authUser.password);
        target.data = JSON.parse(JSON.stringify(target.data).replaceAll('__REFRESH__', fresh.refreshToken)) as Record<
          string,
          unknown
        >;
      }
      log(`▶ ${target.operation}`);
      const before = await requestsServed(base);
      const outcome = await runSqlmap(target, token, outDir);
      outcome.requests = (await requestsServed(base)) - before;
      outcomes.push(outcome);
      log(
        `  ${outcome.verdict}: ${outcome.parameters.length} parameters (${outcome.parameters.join(', ') || '—'}), ${outcome.requests} requests, ${Math.round(outcome.seconds)} s${outcome.detail ? ` — ${outcome.detail}` : ''}`,
      );
      if (!known[target.operation]) log("  (not in the driver's list: tested with the OpenAPI example body)");
    }
  } finally {
    const code = await server.stop('SIGTERM');
    if (code !== 0) log(`server exited with ${code}`);
    await pg.destroy();
  }

  const injectable = outcomes.filter((o) => o.verdict === 'INJECTABLE');
  const untested = outcomes.filter((o) => o.verdict === 'NOT TESTED');
  const lines = [
    `Last run: ${machineLine(machine)}; sqlmap ${await sqlmapVersion()}, \`--level 3 --risk 2 --dbms PostgreSQL --batch\`,`,
    `against the real server on 127.0.0.1 (NODE_ENV=production) with a valid access token issued just before each operation.`,
    '',
    `**${outcomes.length} operations: ${outcomes.length - injectable.length - untested.length} without an injection point, ${injectable.length} injectable, ${untested.length} not tested.**`,
    '',
    '| operation | parameters tested | requests | time | result |',
    '|---|---|---|---|---|',
    ...outcomes.map(
      (o) =>
        `| \`${o.target.operation}\` | ${o.parameters.map((p) => `\`${p.replaceAll('|', '\\|')}\``).join(', ') || '—'} | ${o.requests} | ${Math.round(o.seconds)} s | ${o.verdict}${o.detail ? ` (${o.detail.replaceAll('|', '\\|')})` : ''} |`,
    ),
  ];
  log(`\n${lines.join('\n')}\n`);
  if (record && !only) {
    replaceSection(DOC, 'sqlmap', lines.join('\n'), '# Security\n');
    log('Recorded in docs/security.md');
  }
  process.exitCode = injectable.length || untested.length || outcomes.length === 0 ? 1 : 0;
}

/** Requests the server has answered so far (its own /metrics: the sum of the latency histogram counts). */
async function requestsServed(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^http_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)) total += Number(m[1]);
  return total;
}

async function sqlmapVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(SQLMAP, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', () => resolve(text.split('\n')[0]!.trim()));
    child.once('error', () => resolve('unknown'));
  });
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`sqlmap run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 100));
