import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src/cli/system-context.js';
import { runBundleVerify } from '../../src/cli/commands/audit.js';
import { verifyBundleFile, type BundleEvent } from '../../src/modules/audit/audit.bundle.js';
import { hashEvent } from '../../src/modules/audit/audit.hash.js';
import { signHead } from '../../src/modules/audit/audit.heads.js';
import { eventLeafHash, MerkleFrontier } from '../../src/modules/audit/audit.merkle.js';
import { generateSigningKey, parseSigningKey, type PublishedKey } from '../../src/modules/audit/audit.signing.js';
import { contentOfBundleEvent } from '../../src/modules/audit/audit.bundle.js';
import { createTestContext, type TestContext } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { appendEvents } from './helpers.js';

const run = promisify(execFile);
const TOOL = join(import.meta.dirname, '../../tools/verify-audit-bundle.mjs');

type Line = Record<string, unknown> & { type: string };

/** The standalone tool, as an auditor runs it: exit code and output. */
async function tool(file: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [TOOL, file, ...args]);
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

describe('audit bundles: exported, then verified with no database and no secret', () => {
  let t: TestContext;
  let dir: string;
  let original: string;
  let lines: Line[];
  let chainA: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'audit-bundle-'));
    const f = factories(t.owner.prisma, t.services);
    const a = (await f.tenant()).id; // seq 1: tenant.create
    chainA = `tenant:${a}`;
    await appendEvents(t, a, 24); // 25 events; heads signed at 10, 20 (and 25 by the export)
    await appendEvents(t, (await f.tenant()).id, 4);
    await appendEvents(t, null, 3);
    original = join(dir, 'trail.bundle.ndjson');
    const out = createWriteStream(original);
    const manifestOut = createWriteStream(`${original}.manifest.json`);
    const manifest = await t.services.auditConsole.exportTrail(cliContext('test'), {}, 'bundle', out, {
      manifestOut,
      signHeadsFirst: true,
    });
    out.end();
    manifestOut.end();
    await Promise.all([finished(out), finished(manifestOut)]);
    expect(manifest).toMatchObject({ format: 'bundle', rows: 33 });
    lines = readFileSync(original, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  /** Writes a tampered copy of the bundle. */
  function tampered(edit: (lines: Line[]) => Line[]): string {
    const file = join(dir, `tampered-${++n}.ndjson`);
    writeFileSync(
      file,
      edit(structuredClone(lines))
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    return file;
  }
  const isEvent = (l: Line, seq: number) => l.type === 'event' && l.chainKey === chainA && l.seq === String(seq);
  const indexOfEvent = (ls: Line[], seq: number) => ls.findIndex((l) => isEvent(l, seq));
  const eventId = (seq: number) => lines[indexOfEvent(lines, seq)]!.id as string;

  /** Both verifiers must find the chain broken, at the expected event. */
  async function expectBroken(
    file: string,
    expected: { seq: string; reason: string; eventId?: string | null },
    toolSeq = expected.seq,
  ) {
    const result = await verifyBundleFile(file);
    expect(result.status).toBe('broken');
    expect(result.breaks).toEqual([expect.objectContaining({ chainKey: chainA, ...expected })]);
    // The CLI's offline mode (audit:verify --bundle): exit 1 and the first broken event.
    const cli: string[] = [];
    expect(await runBundleVerify(file, {}, { out: (l) => cli.push(l), err: (l) => cli.push(l) })).toBe(1);
    expect(cli.join('\n')).toContain(`chain=${chainA} seq=${expected.seq} `);
    const standalone = await tool(file);
    expect(standalone.code).toBe(1);
    expect(standalone.out).toContain(`chain=${chainA} seq=${toolSeq} `);
    return result;
  }

  it('an untouched bundle verifies intact offline, and with the standalone tool', async () => {
    const result = await verifyBundleFile(original);
    expect(result).toMatchObject({ status: 'intact', mode: 'bundle', chains: 3, events: 33, checkpoints: 5, breaks: [] });
    expect(result.keys).toEqual({ source: 'bundle', ids: [t.services.auditKeys.signer.keyId], untrustedInBundle: [] });
    const standalone = await tool(original);
    expect(standalone.code).toBe(0);
    expect(standalone.out).toMatch(/^intact: 3 chain\(s\), 33 event\(s\), 5 signed head\(s\) verified/);
    // The CLI's offline mode: exit 0 and "intact".
    const out: string[] = [];
    expect(await runBundleVerify(original, {}, { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out[0]).toMatch(/^intact: 3 chain\(s\), 33 event\(s\)/);
  });

  it('finds an edited event', async () => {
    const file = tampered((ls) => {
      ls[indexOfEvent(ls, 7)]!.action = 'tenant.forged';
      return ls;
    });
    await expectBroken(file, { seq: '7', reason: 'edited', eventId: eventId(7) });
  });

  it('finds a deleted event', async () => {
    const file = tampered((ls) => ls.filter((l) => !isEvent(l, 7)));
    await expectBroken(file, { seq: '7', reason: 'deleted', eventId: null });
  });

  it('finds an inserted event (correctly hashed and linked, later events renumbered)', async () => {
    const file = tampered((ls) => {
      const at = indexOfEvent(ls, 7);
      const prev = ls[at - 1] as unknown as BundleEvent;
      const forged = { ...prev, id: '999999', seq: '7', action: 'tenant.reactivate', prevHash: prev.hash } as BundleEvent;
      forged.hash = hashEvent(contentOfBundleEvent(forged), forged.prevHash, forged.seq);
      for (const l of ls)
        if (l.type === 'event' && l.chainKey === chainA && Number(l.seq) >= 7) l.seq = String(Number(l.seq) + 1);
      ls.splice(at, 0, forged as unknown as Line);
      return ls;
    });
    await expectBroken(file, { seq: '7', reason: 'inserted', eventId: '999999' }, '8');
  });

  it('finds reordered events (lines swapped, or seq numbers swapped)', async () => {
    const swappedLines = tampered((ls) => {
      const a = indexOfEvent(ls, 7);
      [ls[a], ls[a + 1]] = [ls[a + 1]!, ls[a]!];
      return ls;
    });
    await expectBroken(swappedLines, { seq: '7', reason: 'reordered', eventId: eventId(8) });
    const swappedSeqs = tampered((ls) => {
      const a = indexOfEvent(ls, 7);
      const [seven, eight] = [ls[a]!, ls[a + 1]!];
      [seven.seq, eight.seq] = ['8', '7'];
      [ls[a], ls[a + 1]] = [eight, seven];
      return ls;
    });
    await expectBroken(swappedSeqs, { seq: '7', reason: 'reordered', eventId: eventId(8) });
  });

  it('finds events appended beyond the last signed head, and events cut off after a signed head', async () => {
    const appended = tampered((ls) => {
      const last = ls[indexOfEvent(ls, 25)] as unknown as BundleEvent;
      const forged = { ...last, id: '999998', seq: '26', prevHash: last.hash } as BundleEvent;
      forged.hash = hashEvent(contentOfBundleEvent(forged), forged.prevHash, forged.seq);
      ls.splice(indexOfEvent(ls, 25) + 1, 0, forged as unknown as Line);
      return ls;
    });
    await expectBroken(appended, { seq: '26', reason: 'inserted', eventId: '999998' });
    const cut = tampered((ls) => ls.filter((l) => !(l.type === 'event' && l.chainKey === chainA && Number(l.seq) > 22)));
    await expectBroken(cut, { seq: '23', reason: 'deleted', eventId: null });
  });

  it('refuses a signed head re-signed with another key, and trusts only the published keys when given them', async () => {
    const attacker = parseSigningKey(generateSigningKey().privateKey);
    /** Rewrites event 3 of chain A, recomputes every hash and re-signs every head with the attacker's key. */
    const rewrite = (ls: Line[], addKey: boolean) => {
      const frontier = MerkleFrontier.empty();
      let prev = '0'.repeat(64);
      const heads = new Map<string, BundleEvent>();
      for (const l of ls) {
        if (l.type !== 'event' || l.chainKey !== chainA) continue;
        const e = l as unknown as BundleEvent;
        if (e.seq === '3') e.action = 'tenant.forged';
        e.prevHash = prev;
        e.hash = hashEvent(contentOfBundleEvent(e), e.prevHash, e.seq);
        prev = e.hash;
        frontier.append(eventLeafHash(e.hash));
        heads.set(e.seq, { ...e, rootHash: frontier.root().toString('hex') } as BundleEvent & { rootHash: string });
      }
      for (const l of ls) {
        if (l.type !== 'checkpoint' || l.chainKey !== chainA) continue;
        const e = heads.get(l.seq as string) as BundleEvent & { rootHash: string };
        const f = MerkleFrontier.empty();
        for (const x of ls)
          if (x.type === 'event' && x.chainKey === chainA && Number(x.seq) <= Number(l.seq))
            f.append(eventLeafHash(x.hash as string));
        const signed = signHead(attacker, { chainKey: chainA, frontier: f, headHash: e.hash });
        Object.assign(l, {
          hash: signed.hash,
          rootHash: signed.rootHash,
          keyId: signed.keyId,
          signedAt: signed.signedAt,
          signature: signed.signature,
        });
      }
      if (addKey) {
        const key: PublishedKey = {
          kty: 'OKP',
          crv: 'Ed25519',
          x: attacker.x,
          kid: attacker.keyId,
          alg: 'EdDSA',
          use: 'sig',
          status: 'active',
        };
        ls.splice(1, 0, { type: 'key', ...key });
      }
      return ls;
    };
    const resigned = tampered((ls) => rewrite(ls, false));
    const result = await expectBroken(resigned, { seq: '10', reason: 'checkpoint_mismatch', eventId: eventId(10) });
    expect(result.breaks[0]!.detail).toMatch(/not a trusted audit key/);
    expect((await tool(resigned)).out).toMatch(/names key .* which is not trusted/);

    // The attacker also put their key into the bundle: self-consistent, but not with the published keys.
    const withKey = tampered((ls) => rewrite(ls, true));
    const keysFile = join(dir, 'audit-keys.json');
    writeFileSync(keysFile, JSON.stringify(t.services.auditKeys.keySet));
    const selfConsistent = await verifyBundleFile(withKey);
    expect(selfConsistent.status).toBe('intact');
    expect(selfConsistent.keys.ids).toContain(attacker.keyId); // which the CLI prints for the auditor to compare
    const trusted = await verifyBundleFile(withKey, { trustedKeys: t.services.auditKeys.keySet });
    expect(trusted.breaks).toEqual([expect.objectContaining({ chainKey: chainA, seq: '10', reason: 'checkpoint_mismatch' })]);
    expect(trusted.keys.untrustedInBundle).toEqual([attacker.keyId]);
    const standalone = await tool(withKey, '--keys', keysFile);
    expect(standalone.code).toBe(1);
    expect(standalone.out).toContain(`chain=${chainA} seq=10 `);
    expect((await tool(original, '--keys', keysFile)).code).toBe(0);
  });

  it('a file that is not a bundle is refused with a clear message (exit 3; the tool exits 2)', async () => {
    const file = join(dir, 'not-a-bundle.ndjson');
    writeFileSync(file, '{"hello":"world"}\n');
    const err: string[] = [];
    expect(await runBundleVerify(file, {}, { out: () => {}, err: (l) => err.push(l) })).toBe(3);
    expect(err[0]).toMatch(/is not an audit bundle/);
    expect((await tool(file)).code).toBe(2);
  });
});
