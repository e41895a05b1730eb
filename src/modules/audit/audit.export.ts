import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { EVENT_COLUMNS, SELECT_EVENT_SQL, type AuditEventRow } from './audit.repository.js';
import { READ_EVENT_SUFFIXES, type AuditExportFormat } from './audit.schemas.js';
import { neutraliseFormula } from '../../lib/csv.js';

export interface ExportQuery {
  tenantId?: string | undefined;
  /** Tenants the requester may read; undefined = all. */
  allowedTenantIds?: readonly string[] | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** false: no page views (actions ending in .list or .show). */
  includeReads?: boolean | undefined;
}

export interface StreamedExport {
  rows: number;
  bytes: number;
  sha256: string;
}

/** The WHERE clause of an export, with numbered parameters (values never enter the SQL text). */
export function exportWhere(q: ExportQuery): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (q.allowedTenantIds) add((n) => `"tenantId" = ANY(${n}::uuid[])`, q.allowedTenantIds);
  if (q.tenantId) add((n) => `"tenantId" = ${n}::uuid`, q.tenantId);
  if (q.actorId) add((n) => `"actorId" = ${n}`, q.actorId);
  if (q.action) add((n) => `"action" = ${n}`, q.action);
  if (q.outcome) add((n) => `"outcome" = ${n}::"AuditOutcome"`, q.outcome);
  if (q.from) add((n) => `"occurredAt" >= ${n}::timestamptz`, q.from.toISOString());
  if (q.to) add((n) => `"occurredAt" <= ${n}::timestamptz`, q.to.toISOString());
  if (q.includeReads === false)
    add(
      (n) => `NOT ("action" LIKE ANY(${n}::text[]))`,
      READ_EVENT_SUFFIXES.map((suffix) => `%${suffix}`),
    );
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** A row as exported: bigints as strings, time in ISO 8601 UTC, diff as JSON. */
export function exportRecord(row: AuditEventRow): Record<string, unknown> {
  return { ...row, occurredAt: row.occurredAt.toISOString(), diff: row.diff ?? null };
}

/** One CSV cell (RFC 4180 quoting; formula-looking text neutralised with a leading quote). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  text = neutraliseFormula(text);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (): string => `${EVENT_COLUMNS.join(',')}\r\n`;

export function formatLine(row: AuditEventRow, format: AuditExportFormat): string {
  const record = exportRecord(row);
  if (format === 'ndjson') return `${JSON.stringify(record)}\n`;
  return `${EVENT_COLUMNS.map((c) => csvCell(record[c])).join(',')}\r\n`;
}

/**
 * Streams the matching events from PostgreSQL through a server-side cursor (FETCH in batches,
 * one consistent snapshot), oldest first, into `out`, honouring back-pressure. Memory stays flat
 * whatever the size. Returns the row count, byte count and SHA-256 of exactly the bytes written.
 */
export async function streamAuditExport(
  pool: Pick<pg.Pool, 'connect'>,
  query: ExportQuery,
  format: AuditExportFormat,
  out: Writable,
  batchSize = 1_000,
): Promise<StreamedExport> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  const write = async (chunk: string) => {
    const buf = Buffer.from(chunk, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await Promise.race([once(out, 'drain'), once(out, 'error').then(([e]) => Promise.reject(e as Error))]);
  };
  const { sql, params } = exportWhere(query);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(
      `DECLARE audit_export NO SCROLL CURSOR FOR SELECT ${SELECT_EVENT_SQL} FROM "AuditEvent" ${sql} ORDER BY "AuditEvent"."occurredAt", "AuditEvent"."id"`,
      params,
    );
    if (format === 'csv') await write(csvHeader());
    for (;;) {
      const batch = await client.query<AuditEventRow>(`FETCH ${batchSize} FROM audit_export`);
      let text = '';
      for (const row of batch.rows) text += formatLine(row, format);
      if (text) await write(text);
      rows += batch.rows.length;
      if (batch.rows.length < batchSize) break;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return { rows, bytes, sha256: hash.digest('hex') };
}
