import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { generateSigningKey, keyRingOf, type AuditKeySet } from '../../src/modules/audit/audit.signing.js';
import { createTestContext, type TestContext } from '../helpers/db.js';

describe('GET /.well-known/audit-keys.json', () => {
  let t: TestContext;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const retired = generateSigningKey();

  beforeAll(async () => {
    t = await createTestContext({ AUDIT_SIGNING_RETIRED_KEYS: retired.publicKey });
    app = await buildServer(t.runtime, t.services);
  });
  afterAll(async () => t?.close());

  it('serves the public keys, active first then retired, without authentication, cacheable', async () => {
    const res = await request(app).get('/.well-known/audit-keys.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const set = res.body as AuditKeySet;
    expect(set.keys.map((k) => [k.kid, k.status])).toEqual([
      [t.services.auditKeys.signer.keyId, 'active'],
      [retired.keyId, 'retired'],
    ]);
    expect(set.keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: t.services.auditKeys.signer.x,
      kid: t.services.auditKeys.signer.keyId,
      alg: 'EdDSA',
      use: 'sig',
      status: 'active',
    });
    // No private key material in it, and every key id is the thumbprint of its key.
    expect(JSON.stringify(set)).not.toMatch(/"d"/);
    expect([...keyRingOf(set).keys()]).toEqual([t.services.auditKeys.signer.keyId, retired.keyId]);
  });

  it('is stable: the same bytes each time, revalidated with its ETag (304)', async () => {
    const first = await request(app).get('/.well-known/audit-keys.json');
    const second = await request(app).get('/.well-known/audit-keys.json');
    expect(second.text).toBe(first.text);
    expect(first.headers.etag).toBeTruthy();
    const cached = await request(app).get('/.well-known/audit-keys.json').set('If-None-Match', first.headers.etag!);
    expect(cached.status).toBe(304);
  });
});
