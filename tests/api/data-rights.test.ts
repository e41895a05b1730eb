import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checked, newKey, signUp, startApi, STRONG_PASSWORD, type ApiHarness } from './helpers/harness.js';

describe('data rights: my exports and closing my account', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.close();
  });

  const jobsOf = (userId: string) => h.t.owner.prisma.exportJob.count({ where: { requestedById: userId } });

  it('POST /me/exports starts one export per key (replay, conflict, concurrent), GET shows it, other users get 404', async () => {
    const u = await signUp(h, 'exp');
    expect(checked(await h.http().post('/api/v1/me/exports').set('Idempotency-Key', newKey())).status).toBe(401);
    expect(checked(await h.http().post('/api/v1/me/exports').set(u.auth)).status).toBe(400);

    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.http().post('/api/v1/me/exports').set(u.auth).set('Idempotency-Key', key).then(checked)),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await jobsOf(u.userId)).toBe(1);
    const job = results[0]!.body;
    expect(job).toMatchObject({ status: 'QUEUED', format: 'JSON', rows_done: 0, download_url: null });

    const conflicting = checked(
      await h.http().post('/api/v1/me/exports').set(u.auth).set('Idempotency-Key', key).send({ other: 'body' }),
    );
    expect(conflicting.status).toBe(409);

    const got = await h.client.GET('/api/v1/me/exports/{id}', { headers: u.auth, params: { path: { id: job.id } } });
    expect(got.data).toMatchObject({ id: job.id, status: 'QUEUED' });
    const v = await signUp(h, 'exp-other');
    expect(
      (await h.client.GET('/api/v1/me/exports/{id}', { headers: v.auth, params: { path: { id: job.id } } })).response.status,
    ).toBe(404);
    expect(
      (await h.client.GET('/api/v1/me/exports/{id}', { headers: u.auth, params: { path: { id: 'nope' } } })).response.status,
    ).toBe(404);
    const notReady = checked(await h.http().get(`/api/v1/me/exports/${job.id}/download`).set(u.auth));
    expect(notReady.status).toBe(409);
  });

  it('downloads a finished export with its digest', async () => {
    const u = await signUp(h, 'dl');
    const job = checked(await h.http().post('/api/v1/me/exports').set(u.auth).set('Idempotency-Key', newKey())).body;
    const dir = mkdtempSync(join(tmpdir(), 'api-export-'));
    const file = join(dir, 'bundle.json');
    const content = JSON.stringify({ tenant: u.tenantId });
    writeFileSync(file, content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    await h.t.owner.prisma.exportJob.update({
      where: { id: job.id },
      data: {
        status: 'COMPLETED',
        filePath: file,
        sha256,
        finishedAt: new Date(),
        manifest: { scope: { tenantIds: [u.tenantId] } },
      },
    });
    expect(checked(await h.http().get(`/api/v1/me/exports/${job.id}`).set(u.auth)).body).toMatchObject({
      status: 'COMPLETED',
      download_url: `/api/v1/me/exports/${job.id}/download`,
    });
    const res = checked(
      await h
        .http()
        .get(`/api/v1/me/exports/${job.id}/download`)
        .set(u.auth)
        .buffer(true)
        .parse((r, cb) => {
          let data = '';
          r.on('data', (c: Buffer) => (data += c.toString()));
          r.on('end', () => cb(null, data));
        }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe(content);
    expect(res.headers.digest).toBe(`sha-256=${Buffer.from(sha256, 'hex').toString('base64')}`);
    expect(await h.t.owner.prisma.auditEvent.count({ where: { action: 'export.download', recordId: job.id } })).toBe(1);
  });

  it('DELETE /me closes the account at once: 202, then its tokens and password stop working', async () => {
    const u = await signUp(h, 'bye');
    const bad = checked(await h.http().delete('/api/v1/me').set(u.auth).send({ reason: 'x', extra: true }));
    expect(bad.status).toBe(400);
    const res = checked(await h.http().delete('/api/v1/me').set(u.auth).send({ reason: 'Moving to another bank' }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ user_id: u.userId, status: 'CLOSED' });
    expect(new Date(res.body.erasure_due_at).getTime()).toBeGreaterThan(Date.now());
    expect(checked(await h.http().get('/api/v1/me').set(u.auth)).status).toBe(401);
    expect(checked(await h.http().post('/api/v1/auth/token').send({ email: u.email, password: STRONG_PASSWORD })).status).toBe(
      401,
    );
    expect(checked(await h.http().delete('/api/v1/me')).status).toBe(401);
  });
});
