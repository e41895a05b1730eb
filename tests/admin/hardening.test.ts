import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADS_SIGNED_EVENT } from '../../src/modules/audit/audit.heads.js';
import { buildWorld, type World } from './resources.helpers.js';
import { loginCookie, STRONG_PASSWORD } from './session.helpers.js';

// Every temporary file this process writes lands here (os.tmpdir() reads TMPDIR on each call), so
// "no file left behind" is checked on a directory nothing else uses. Set before the server exists.
const TMP = mkdtempSync(join(tmpdir(), 'backoffice-hardening-'));
process.env.TMPDIR = TMP;

let w: World;
const prisma = () => w.h.t.owner.prisma;

/** Row counts and the audit head: what a refused or read-only request must leave unchanged. */
async function snapshot() {
  const p = prisma();
  const [budgets, users, outbox, exports, lastAudit, lockedUser] = await Promise.all([
    p.budget.count(),
    p.user.count({ where: { status: 'ACTIVE' } }),
    // Not the anchors of signed audit heads: a view is audited, and every N events of a chain its
    // head is signed and anchored (docs/audit.md, "Anchoring"). That is the trail, not a change.
    p.outboxEvent.count({ where: { NOT: { type: HEADS_SIGNED_EVENT } } }),
    p.exportJob.count(),
    p.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }),
    p.user.findUniqueOrThrow({ where: { id: w.a.lockedUserId }, select: { status: true, failedLoginCount: true } }),
  ]);
  return { budgets, users, outbox, exports, lastAudit: lastAudit?.id.toString(), lockedUser };
}

const cookieOf = async (email: string) => loginCookie(w.h.app, email, STRONG_PASSWORD);

beforeAll(async () => {
  w = await buildWorld();
});
afterAll(async () => {
  await w?.close();
  rmSync(TMP, { recursive: true, force: true });
});

describe('CSRF: only GET passes from another origin, and no GET or HEAD changes anything', () => {
  it('refuses every method but GET from another origin (HEAD and OPTIONS included), with a session', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const path = `/admin/api/resources/Budget/records/${w.a.budgetId}/delete`;
    const before = await snapshot();
    for (const method of ['head', 'options', 'post', 'put', 'patch', 'delete'] as const) {
      for (const headers of [{ Origin: 'https://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }]) {
        const res = await request(w.h.app)[method](path).set('Cookie', cookie).set(headers);
        expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(403);
        if (method !== 'head') expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
    // A cross-origin GET passes the check (it is a read) and reads.
    const get = await request(w.h.app).get(path).set('Cookie', cookie).set('Origin', 'https://evil.example');
    expect(get.status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('answers HEAD on state-changing actions as a read: nothing deleted, unlocked, reset, verified or audited', async () => {
    const superadmin = await cookieOf(w.staff.superadmin.email);
    const support = await cookieOf(w.staff.supportA.email);
    const compliance = await cookieOf(w.staff.compliance.email);
    const before = await snapshot();
    const heads: Array<[string, string]> = [
      [superadmin, `/admin/api/resources/Budget/records/${w.a.budgetId}/delete`],
      [superadmin, `/admin/api/resources/Budget/bulk/bulkDelete?recordIds=${w.a.budgetId}`],
      [support, `/admin/api/resources/User/records/${w.a.lockedUserId}/unlock`],
      [support, `/admin/api/resources/User/records/${w.a.userId}/sendPasswordReset`],
      [support, `/admin/api/resources/Tenant/records/${w.a.tenantId}/suspend`],
      [compliance, '/admin/api/resources/AuditEvent/actions/verify'],
    ];
    for (const [cookie, path] of heads) {
      const res = await request(w.h.app).head(path).set('Cookie', cookie);
      expect(res.status, path).toBeLessThan(300);
    }
    expect(await snapshot()).toEqual(before);
    expect((await prisma().tenant.findUniqueOrThrow({ where: { id: w.a.tenantId } })).status).toBe('ACTIVE');
  });

  it('answers GET on state-changing actions as a read as well', async () => {
    const superadmin = await cookieOf(w.staff.superadmin.email);
    const before = await snapshot();
    for (const path of [
      `/admin/api/resources/Budget/records/${w.a.budgetId}/delete`,
      `/admin/api/resources/Budget/bulk/bulkDelete?recordIds=${w.a.budgetId}`,
      `/admin/api/resources/User/records/${w.a.lockedUserId}/unlock`,
    ])
      expect((await request(w.h.app).get(path).set('Cookie', superadmin)).status, path).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('answers any other method on an AdminJS path with 405 and Allow, in the error shape', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const cases: Array<[string, string]> = [
      [`/admin/api/resources/Budget/records/${w.a.budgetId}/delete`, 'GET, HEAD, POST'],
      ['/admin/api/resources/Budget/actions/list', 'GET, HEAD, POST'],
      ['/admin/resources/Budget', 'GET, HEAD'],
      ['/admin/api/dashboard', 'GET, HEAD'],
    ];
    for (const [path, allow] of cases) {
      for (const method of ['put', 'patch', 'delete'] as const) {
        const res = await request(w.h.app)[method](path).set('Cookie', cookie);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.allow).toBe(allow);
        expect(res.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
      }
    }
  });
});

describe('stored script injection: a staff name cannot write into the page scripts', () => {
  const NAME = `</script><script>window.__xss=1</script><!--\u2028`;

  it('escapes the name in the inline state and marks every inline script with the CSP nonce', async () => {
    const victim = await w.h.f.staff('SUPPORT');
    await prisma().staffUser.update({ where: { id: victim.id }, data: { name: NAME } });
    const res = await request(w.h.app)
      .get('/admin')
      .set('Cookie', await cookieOf(victim.email));
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).not.toContain('window.__xss=1</script>');
    expect(html).not.toContain('</script><script>');
    expect(html).toContain('\\u003C\\u002Fscript\\u003E\\u003Cscript\\u003Ewindow.__xss=1');
    // The state still round-trips: the page sees the name exactly.
    const state = /window\.REDUX_STATE = (.*);\n/.exec(html)![1]!;
    expect((JSON.parse(state) as { session: { name: string } }).session.name).toBe(NAME);

    const csp = String(res.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(2);
    for (const attrs of scripts) expect(attrs).toContain(`nonce="${nonce}"`);
    // A new nonce per response.
    const again = await request(w.h.app).get('/admin/login');
    expect(String(again.headers['content-security-policy'])).not.toContain(nonce);
    expect(again.text).toMatch(/<script nonce="[^"]+">/);
  });
});

describe('uploads: refused where no action takes one, and nothing left on disk', () => {
  it('refuses a file on any admin route and on the login form, writing nothing to the temporary directory', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const file = Buffer.alloc(256 * 1024, 'x');
    const targets: Array<[string, string | undefined]> = [
      ['/admin/login', undefined],
      ['/admin/api/resources/Budget/actions/new', cookie],
      [`/admin/api/resources/Budget/records/${w.a.budgetId}/edit`, cookie],
      ['/admin/api/resources/AuditEvent/actions/verify', cookie],
      ['/admin/api/me/locale', cookie],
      ['/admin/api/resources/Nope/actions/nothing', cookie],
      ['/admin/exports/00000000-0000-4000-8000-000000000000/download', cookie],
      ['/admin/api/resources/Budget/actions/new', undefined],
    ];
    const before = await snapshot();
    for (const [path, session] of targets) {
      let req = request(w.h.app).post(path).field('name', 'x').attach('file', file, 'payload.bin');
      if (session) req = req.set('Cookie', session);
      const res = await req;
      expect(res.status, path).toBeGreaterThanOrEqual(300);
      expect(res.status, path).toBeLessThan(500);
      if (session) expect(res.status, path).not.toBe(200);
    }
    expect(readdirSync(TMP)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('still accepts multipart forms without files (AdminJS edit forms send them)', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const res = await request(w.h.app)
      .post(`/admin/api/resources/Budget/records/${w.a.budgetId}/edit`)
      .set('Cookie', cookie)
      .field('name', 'Alpha groceries (edited)');
    expect(res.status).toBe(200);
    expect((await prisma().budget.findUniqueOrThrow({ where: { id: w.a.budgetId } })).name).toBe('Alpha groceries (edited)');
  });
});

describe('hostile input gets a 4xx in the one error shape, never a 500 or a stack trace', () => {
  it('answers unknown resources and actions, malformed ids and bodies, bad encodings with 4xx', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    };
    const before = await snapshot();
    try {
      const cases: Array<[string, () => request.Test, number]> = [
        ['unknown resource', () => request(w.h.app).get('/admin/api/resources/Nope/actions/list'), 404],
        ['unknown resource page', () => request(w.h.app).get('/admin/resources/Nope'), 404],
        ['unknown action', () => request(w.h.app).get('/admin/api/resources/Budget/actions/nope'), 404],
        ['inherited name', () => request(w.h.app).get('/admin/api/resources/Budget/actions/constructor'), 404],
        ['malformed id', () => request(w.h.app).get('/admin/api/resources/Budget/records/not-a-uuid/show'), 404],
        ['malformed bigint id', () => request(w.h.app).get('/admin/api/resources/AuditEvent/records/1e99/show'), 404],
        ['bulk without ids', () => request(w.h.app).post('/admin/api/resources/Budget/bulk/bulkDelete'), 404],
        ['bulk with a bad id', () => request(w.h.app).get('/admin/api/resources/Budget/bulk/bulkDelete?recordIds=x,y'), 404],
        ['bad %-encoding', () => request(w.h.app).get('/admin/api/resources/%E0%A4%A/actions/list'), 400],
        [
          'malformed JSON',
          () =>
            request(w.h.app)
              .post('/admin/api/resources/Budget/actions/new')
              .set('Content-Type', 'application/json')
              .send('{"name": '),
          400,
        ],
        [
          'lone surrogate in JSON',
          () =>
            request(w.h.app).post('/admin/api/me/locale').set('Content-Type', 'application/json').send('{"locale": "\\ud800"}'),
          400,
        ],
        [
          'broken multipart',
          () =>
            request(w.h.app)
              .post('/admin/api/resources/Budget/actions/new')
              .set('Content-Type', 'multipart/form-data; boundary=zzz')
              .send('--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'),
          400,
        ],
      ];
      for (const [name, make, status] of cases) {
        const res = await make().set('Cookie', cookie);
        expect(res.status, name).toBe(status);
        expect(res.body.error, name).toMatchObject({ correlation_id: expect.any(String) });
        expect(JSON.stringify(res.body), name).not.toMatch(/\bat .*\.(js|ts):\d+/);
      }
      const upload = await request(w.h.app)
        .post('/admin/login')
        .field('email', 'a@b.c')
        .attach('file', Buffer.from('x'), 'x.txt');
      expect(upload.status).toBe(400);
      expect(upload.body.error.code).toBe('VALIDATION_ERROR');
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).not.toMatch(/\n\s+at /);
    expect(await snapshot()).toEqual(before);
  });
});

describe('smaller leaks', () => {
  const rid = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const denied = (r: string) =>
    prisma()
      .auditEvent.findMany({ where: { correlationId: r }, select: { outcome: true, tenantId: true } })
      .then((events) => events.map((e) => [e.outcome, e.tenantId]));

  it("audits support's attempts on an ungranted tenant with that tenant's id (still a 404 to them)", async () => {
    const attempts: Array<[string, (r: string) => Promise<{ status: number }>]> = [
      ['suspend', (r) => w.api.supportA.recordPost('Tenant', w.b.tenantId, 'suspend', { reason: 'Probing' }, r)],
      ['unlock', (r) => w.api.supportA.recordPost('User', w.b.lockedUserId, 'unlock', {}, r)],
      [
        'adjust',
        (r) =>
          w.api.supportA.recordPost(
            'Transaction',
            w.b.transactionIds[0]!,
            'postAdjustment',
            { amount: '1.00', direction: 'CREDIT', reason: 'Probing' },
            r,
          ),
      ],
      ['show', (r) => w.api.supportA.record('Account', w.b.accountId, 'show', r)],
    ];
    for (const [name, attempt] of attempts) {
      const r = rid(name);
      expect((await attempt(r)).status, name).toBe(404);
      expect(await denied(r), name).toEqual([['DENIED', w.b.tenantId]]);
    }
  });

  it('shows a support agent only their running grants: an ended one reveals neither tenant nor reason', async () => {
    const grant = await prisma().tenantAccessGrant.findFirstOrThrow({ where: { staffUserId: w.staff.supportExpired.id } });
    const list = await w.api.supportExpired.list('TenantAccessGrant', { perPage: 100 });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(w.a.tenantId);
    expect(JSON.stringify(list.body)).not.toContain(grant.reason);
    expect((await w.api.supportExpired.record('TenantAccessGrant', grant.id, 'show')).status).toBe(404);
    // The running grant of another agent is still theirs to see.
    const running = await w.api.supportA.list('TenantAccessGrant', { perPage: 100 });
    expect(JSON.stringify(running.body)).toContain(w.a.tenantId);
  });

  it('never shows an export job its server path', async () => {
    const job = await prisma().exportJob.create({
      data: {
        tenantId: w.a.tenantId,
        requestedByType: 'STAFF',
        requestedById: w.staff.engineer.id,
        resource: 'Transaction',
        format: 'CSV',
        reason: 'Analysis',
        status: 'COMPLETED',
        filePath: '/srv/backoffice/exports/secret-location/tx.csv',
        sha256: 'a'.repeat(64),
        rowsDone: 1,
        rowsTotal: 1,
      },
    });
    for (const role of ['engineer', 'superadmin', 'compliance'] as const) {
      const show = await w.api[role].record('ExportJob', job.id, 'show');
      const list = await w.api[role].list('ExportJob', { perPage: 100 });
      expect(JSON.stringify([show.body, list.body]), role).not.toContain('/srv/backoffice');
    }
  });
});

describe('every action of every resource, by every method', () => {
  /** The snapshot, but audit events counted without refusals (DENIED) and audited reads. */
  const state = async () => {
    const { lastAudit: _last, ...rest } = await snapshot();
    const audits = await prisma().auditEvent.count({
      where: { outcome: 'SUCCESS', NOT: [{ action: { endsWith: '.list' } }, { action: { endsWith: '.show' } }] },
    });
    return { ...rest, audits };
  };

  it("refuses field names that name an object's internals (__proto__, constructor) with a 400, not a 500", async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    for (const body of [
      '{"__proto__": 1}',
      '{"password": true, "__proto__": 864656617}',
      '{"constructor": "x"}',
      '{"a": {"prototype": 1}}',
    ]) {
      const res = await request(w.h.app)
        .post('/admin/api/resources/AuditEvent/actions/verify')
        .set('Cookie', cookie)
        .set('Sec-Fetch-Site', 'same-origin')
        .set('Content-Type', 'application/json')
        .send(body);
      expect([res.status, res.body.error?.code], body).toEqual([400, 'VALIDATION_ERROR']);
    }
    const form = await request(w.h.app)
      .post('/admin/api/resources/Tenant/actions/search')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send('filters.constructor=1');
    expect(form.status).toBe(400);
  });

  it('answers an action on a path of another kind (a record action as bulk) with a 404, not a 500', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const ids = [w.a.budgetId, w.a.budgetId].join(',');
    for (const [method, path] of [
      ['post', `/admin/api/resources/Budget/bulk/show?recordIds=${ids}`],
      ['get', `/admin/api/resources/Budget/bulk/edit?recordIds=${ids}`],
      ['get', `/admin/api/resources/Budget/actions/show`],
      ['post', `/admin/api/resources/Budget/records/${w.a.budgetId}/list`],
    ] as const) {
      const res = await request(w.h.app)[method](path).set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin');
      expect([res.status, res.body.error?.code], `${method} ${path}`).toEqual([404, 'NOT_FOUND']);
    }
  });

  // Last in this file: its empty POSTs may delete the fixtures above.
  it('answers GET, HEAD and an empty POST on each action below 500, and GET/HEAD change nothing', async () => {
    const cookie = await cookieOf(w.staff.superadmin.email);
    const admin = (await import('../../admin/index.js')).createAdminJS(w.h.t.runtime, w.h.t.services);
    const recordIds: Record<string, string> = {
      Tenant: w.a.tenantId,
      User: w.a.userId,
      Account: w.a.accountId,
      Transaction: w.a.transactionIds[0]!,
      Budget: w.a.budgetId,
    };
    for (const resource of admin.resources) {
      const decorated = resource.decorate();
      const id = decorated.id();
      for (const action of Object.values(decorated.actions)) {
        const paths = action.isResourceType()
          ? [`/admin/api/resources/${id}/actions/${action.name}`]
          : action.isRecordType() && recordIds[id]
            ? [`/admin/api/resources/${id}/records/${recordIds[id]}/${action.name}`]
            : action.isBulkType() && recordIds[id]
              ? [`/admin/api/resources/${id}/bulk/${action.name}?recordIds=${recordIds[id]}`]
              : [];
        for (const path of paths) {
          for (const method of ['get', 'head'] as const) {
            const before = await state();
            const res = await request(w.h.app)[method](path).set('Cookie', cookie);
            expect(res.status, `${method} ${path}`).toBeLessThan(500);
            expect(await state(), `${method} ${path}`).toEqual(before);
          }
          const post = await request(w.h.app).post(path).set('Cookie', cookie).type('form').send({});
          expect(post.status, `post ${path}`).toBeLessThan(500);
        }
      }
    }
  });
});
