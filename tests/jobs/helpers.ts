import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { createTestContext, type TestContext } from '../helpers/db.js';

/** A test context whose exports go to a fresh temporary directory. */
export async function createJobsTestContext(env: Record<string, string> = {}): Promise<TestContext & { exportDir: string }> {
  const exportDir = mkdtempSync(join(tmpdir(), 'backoffice-exports-'));
  const t = await createTestContext({ EXPORT_DIR: exportDir, ...env });
  return Object.assign(t, { exportDir });
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The temporary files (`.part`) exports left in `dir`; with `jobId`, only that job's. */
export const partFiles = (dir: string, jobId?: string): string[] =>
  readdirSync(dir).filter((n) => n.endsWith('.part') && (jobId === undefined || n.startsWith(`.${jobId}.`)));

export const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/** Inserts `count` transactions for an account in one statement, as the database owner (fast). */
export async function bulkTransactions(
  ownerUrl: string,
  account: { id: string; tenantId: string; currency: string },
  count: number,
  description = 'Bulk row',
): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Transaction" ("tenantId", "accountId", "amount", "currency", "direction", "occurredAt", "description")
       SELECT $1::uuid, $2::uuid, (1 + (g % 500))::numeric / 4, $3, CASE WHEN g % 3 = 0 THEN 'CREDIT'::"Direction" ELSE 'DEBIT'::"Direction" END,
              now() - (g || ' minutes')::interval, $5 || ' ' || g
         FROM generate_series(1, $4::int) AS g`,
      [account.tenantId, account.id, account.currency, count, description],
    );
  } finally {
    await client.end();
  }
}

/** Audit events of an action, newest first. */
export const auditEvents = (prisma: PrismaClient, action: string) =>
  prisma.auditEvent.findMany({ where: { action }, orderBy: { id: 'desc' } });
