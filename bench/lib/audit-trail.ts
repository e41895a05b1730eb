import { hash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { GENESIS_HASH } from '../../src/modules/audit/audit.hash.js';
import { signHead } from '../../src/modules/audit/audit.heads.js';
import { eventLeafHash, MerkleFrontier } from '../../src/modules/audit/audit.merkle.js';
import type { SigningKey } from '../../src/modules/audit/audit.signing.js';

/**
 * Builds large, correctly chained audit trails fast, for benchmarks and proof tests: events are
 * generated and hashed in a Node loop (the same canonical form, chain hash and RFC 9162 tree as
 * the application) and streamed into PostgreSQL with COPY as the owner, with the append-only
 * triggers off for the load only (session_replication_role = replica); every N events of a chain
 * a tree head is signed with the real key, exactly as record() would. The result verifies like a
 * trail written by the application (the benchmark checks that it is "intact").
 *
 * The mix of events is what the product writes most: 70 % transaction.create (a six-field diff),
 * 20 % api.auth.login (no diff), 10 % tenant.suspend (a status diff and a reason).
 */

export interface TrailState {
  chains: Array<{ chainKey: string; tenantId: string | null; seq: number; hash: string; frontier: MerkleFrontier }>;
  events: number;
  nextMs: number;
}

export interface GenerateOptions {
  /** Tenant chains (the global chain comes on top). */
  tenants: number;
  events: number;
  checkpointEvery: number;
  signer: SigningKey;
  /** Continue an existing trail (its state as returned by the previous call). */
  state?: TrailState;
  /** Empty the audit tables first and load with COPY FREEZE (no WAL with wal_level=minimal, no hint-bit writes later). */
  truncate?: boolean;
  onProgress?: (done: number) => void;
}

const json = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
// COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL.
const copyText = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const ACTIONS = ['transaction.create', 'api.auth.login', 'tenant.suspend'] as const;

export async function generateAuditTrail(ownerUrl: string, options: GenerateOptions): Promise<TrailState> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    let state = options.state;
    if (!state) {
      const ids = Array.from({ length: options.tenants }, () => randomUUID());
      await client.query(
        `INSERT INTO "Tenant" ("id", "slug", "name") SELECT id, 'bench-audit-' || n, 'Bench ' || n
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) ON CONFLICT DO NOTHING`,
        [ids],
      );
      state = {
        chains: [
          ...ids.map((id) => ({
            chainKey: `tenant:${id}`,
            tenantId: id,
            seq: 0,
            hash: GENESIS_HASH,
            frontier: MerkleFrontier.empty(),
          })),
          { chainKey: 'global', tenantId: null, seq: 0, hash: GENESIS_HASH, frontier: MerkleFrontier.empty() },
        ],
        events: 0,
        nextMs: Date.UTC(2024, 0, 1),
      };
    }
    const s = state;
    const heads: string[] = [];
    await client.query('BEGIN');
    // A fresh load drops the secondary indexes and builds them again afterwards: one sorted build
    // instead of millions of random inserts (the end state is the migrations' indexes, unchanged).
    const rebuild: string[] = [];
    if (options.truncate) {
      await client.query(`TRUNCATE "AuditVerificationCursor", "AuditCheckpoint", "AuditEvent", "AuditChainHead"`);
      const { rows: indexes } = await client.query<{ name: string; def: string }>(
        `SELECT indexname AS name, indexdef AS def FROM pg_indexes
          WHERE schemaname = current_schema() AND tablename = 'AuditEvent' AND indexname <> 'AuditEvent_pkey'`,
      );
      for (const ix of indexes) {
        await client.query(`DROP INDEX "${ix.name}"`);
        rebuild.push(ix.def);
      }
    }
    const freeze = options.truncate ? ' WITH (FREEZE)' : '';
    function* rows(): Generator<string> {
      let buf = '';
      for (let i = 0; i < options.events; i += 1) {
        const n = s.events + i;
        const chain = s.chains[n % s.chains.length]!;
        const seq = chain.seq + 1;
        const kind = ACTIONS[n % 10 < 7 ? 0 : n % 10 < 9 ? 1 : 2];
        const occurredAt = new Date((s.nextMs += 250)).toISOString();
        const actorId = randomUUID();
        const recordId = kind === 'api.auth.login' ? actorId : randomUUID();
        const reason = kind === 'tenant.suspend' ? 'Chargeback review, case 4411' : null;
        // Keys in sorted order at every depth: JSON.stringify of this is its canonical form.
        const diff =
          kind === 'transaction.create'
            ? JSON.stringify({
                amount: { from: null, to: `${(n % 9973) + 1}.${String(n % 100).padStart(2, '0')}` },
                currency: { from: null, to: 'EUR' },
                description: { from: null, to: `Card payment ${n}` },
                direction: { from: null, to: n % 3 ? 'DEBIT' : 'CREDIT' },
                id: { from: null, to: recordId },
                kind: { from: null, to: 'REGULAR' },
              })
            : kind === 'tenant.suspend'
              ? JSON.stringify({ status: { from: 'ACTIVE', to: 'SUSPENDED' } })
              : null;
        const actorType = kind === 'tenant.suspend' ? 'STAFF' : 'USER';
        const actorRole = kind === 'tenant.suspend' ? 'SUPPORT' : 'OWNER';
        const resource = kind === 'api.auth.login' ? 'User' : kind === 'tenant.suspend' ? 'Tenant' : 'Transaction';
        const correlationId = randomUUID();
        const ip = '10.1.2.3';
        const userAgent = 'PersonalFinance/5.2 (iOS 17.4)';
        const canonical =
          `{"action":${json(kind)},"actorId":${json(actorId)},"actorRole":${json(actorRole)},"actorType":${json(actorType)}` +
          `,"chainKey":${json(chain.chainKey)},"correlationId":${json(correlationId)},"diff":${diff ?? 'null'}` +
          `,"ip":${json(ip)},"occurredAt":${json(occurredAt)},"outcome":"SUCCESS","reason":${json(reason)}` +
          `,"recordId":${json(recordId)},"resource":${json(resource)},"tenantId":${json(chain.tenantId)},"userAgent":${json(userAgent)}}`;
        const digest = hash('sha256', canonical, 'hex');
        const eventHash = hash('sha256', `{"contentDigest":"${digest}","prevHash":"${chain.hash}","seq":"${seq}"}`, 'hex');
        buf += `${[
          chain.chainKey,
          String(seq),
          chain.tenantId,
          occurredAt,
          actorType,
          actorId,
          actorRole,
          kind,
          resource,
          recordId,
          'SUCCESS',
          reason,
          diff,
          ip,
          userAgent,
          correlationId,
          chain.hash,
          eventHash,
        ]
          .map(copyText)
          .join('\t')}\n`;
        chain.frontier.append(eventLeafHash(eventHash));
        chain.seq = seq;
        chain.hash = eventHash;
        if (seq % options.checkpointEvery === 0) {
          const head = signHead(options.signer, {
            chainKey: chain.chainKey,
            frontier: chain.frontier,
            headHash: eventHash,
            at: new Date(s.nextMs),
          });
          heads.push(
            [
              head.chainKey,
              head.seq,
              head.hash,
              head.signature,
              'ed25519',
              head.keyId,
              head.rootHash,
              head.signedAt,
              head.frontier,
            ]
              .map(copyText)
              .join('\t'),
          );
        }
        if (buf.length >= 1 << 20) {
          yield buf;
          buf = '';
          options.onProgress?.(i + 1);
        }
      }
      if (buf) yield buf;
    }
    await pipeline(
      Readable.from(rows()),
      client.query(
        copyFrom(
          `COPY "AuditEvent" ("chainKey", "seq", "tenantId", "occurredAt", "actorType", "actorId", "actorRole", "action", "resource", "recordId", "outcome", "reason", "diff", "ip", "userAgent", "correlationId", "prevHash", "hash") FROM STDIN${freeze}`,
        ),
      ),
    );
    s.events += options.events;
    if (heads.length)
      await pipeline(
        Readable.from([`${heads.join('\n')}\n`]),
        client.query(
          copyFrom(
            `COPY "AuditCheckpoint" ("chainKey", "seq", "hash", "signature", "algorithm", "keyId", "rootHash", "signedAt", "frontier") FROM STDIN${freeze}`,
          ),
        ),
      );
    await client.query(`SET maintenance_work_mem = '512MB'`);
    for (const def of rebuild) await client.query(def);
    await client.query(
      `INSERT INTO "AuditChainHead" ("chainKey", "seq", "hash") SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT ("chainKey") DO UPDATE SET "seq" = EXCLUDED."seq", "hash" = EXCLUDED."hash"`,
      [s.chains.map((c) => c.chainKey), s.chains.map((c) => c.seq), s.chains.map((c) => c.hash)],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE "AuditEvent"; ANALYZE "AuditCheckpoint"');
    return s;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
