#!/usr/bin/env node
// Standalone verifier of a back-office audit bundle (docs/audit.md, "Standalone verifier").
// Needs Node.js 20+ and nothing else: no database, no secret, no project code, only node:crypto.
//
//   node verify-audit-bundle.mjs BUNDLE.ndjson [--keys audit-keys.json]
//
// --keys: the key set you trust (fetched from https://<back office>/.well-known/audit-keys.json).
// Without it the bundle's own keys are used, and their ids are printed for you to compare.
// Exit status: 0 intact, 1 broken, 2 unusable input.
//
// What is checked, for every chain of the bundle:
//  1. each event's hash, recomputed from its content (SHA-256 over canonical JSON, see eventHash);
//  2. the chain: seq 1, 2, 3 ... and each event's prevHash is the previous event's hash;
//  3. an RFC 9162 Merkle tree over the event hashes (leaf = SHA-256(0x00 || hash), node =
//     SHA-256(0x01 || left || right)); every signed head must match the tree at its size;
//  4. every signed head's Ed25519 signature, with a trusted key named by its key id;
//  5. every event is covered by the chain's last signed head (nothing appended after it).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

// Canonical JSON: object keys sorted at every depth, no whitespace.
const canonical = (v) => {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
};

// The hashed content of an event: every exported field except id, seq, prevHash and hash.
const CONTENT = [
  'chainKey',
  'tenantId',
  'occurredAt',
  'actorType',
  'actorId',
  'actorRole',
  'action',
  'resource',
  'recordId',
  'outcome',
  'reason',
  'diff',
  'ip',
  'userAgent',
  'correlationId',
];

function eventHash(e) {
  const content = Object.fromEntries(CONTENT.map((f) => [f, e[f] ?? null]));
  const contentDigest = sha256(canonical(content)).toString('hex');
  return sha256(canonical({ contentDigest, prevHash: e.prevHash, seq: e.seq })).toString('hex');
}

// The Merkle tree, kept as its compact range: the roots of its perfect subtrees, largest first.
const leafHash = (hashHex) => sha256(Buffer.from([0]), Buffer.from(hashHex, 'hex'));
const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);
function appendLeaf(tree, leaf) {
  let node = leaf;
  for (let s = tree.size; s % 2 === 1; s = Math.floor(s / 2)) node = nodeHash(tree.nodes.pop(), node);
  tree.nodes.push(node);
  tree.size += 1;
}
function treeRoot(tree) {
  if (!tree.nodes.length) return sha256('');
  return tree.nodes.reduceRight((right, left) => nodeHash(left, right));
}

// Keys: Ed25519 JWKs; a key id is the RFC 7638 thumbprint of the key, recomputed here.
function loadKeys(jwks) {
  const keys = new Map();
  for (const k of jwks) {
    const kid = sha256(`{"crv":"Ed25519","kty":"OKP","x":"${k.x}"}`).toString('base64url');
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || kid !== k.kid) throw new Error(`key ${k.kid} is not a valid Ed25519 JWK`);
    keys.set(kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x }, format: 'jwk' }));
  }
  return keys;
}

// What a signed head signs: these lines, joined by "\n".
const headMessage = (c) =>
  ['backoffice.audit.tree-head.v1', c.chainKey, c.seq, c.rootHash, c.hash, c.keyId, c.signedAt].join('\n');

function checkHead(cp, keys) {
  const key = keys.get(cp.keyId);
  if (!key) return `names key ${cp.keyId}, which is not trusted (signed with another key)`;
  const ok =
    /^[0-9a-f]{128}$/.test(cp.signature) && verify(null, Buffer.from(headMessage(cp)), key, Buffer.from(cp.signature, 'hex'));
  return ok ? null : 'does not carry a valid signature';
}

// ---------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--keys');
const keysFile = args.includes('--keys') ? args[args.indexOf('--keys') + 1] : null;
if (!file) {
  console.error('usage: node verify-audit-bundle.mjs BUNDLE.ndjson [--keys audit-keys.json]');
  process.exit(2);
}

const bundleKeys = [];
const breaks = [];
const totals = { chains: 0, events: 0, heads: 0, legacy: 0 };
let chain = null;

function fail(seq, id, why) {
  if (!chain.broken) breaks.push(`chain=${chain.key} seq=${seq} id=${id ?? '-'}: ${why}`);
  chain.broken = true;
}

function onEvent(e) {
  totals.events += 1;
  if (chain.broken) return;
  const seq = chain.tree.size + 1;
  if (e.chainKey !== chain.key) return fail(seq, e.id, `belongs to chain ${e.chainKey}`);
  if (Number(e.seq) !== seq)
    return fail(seq, e.id, `expected seq ${seq}, found ${e.seq}: an event was deleted, inserted or moved`);
  if (e.prevHash !== chain.prev) return fail(seq, e.id, 'does not link to the previous event (inserted, deleted or reordered)');
  if (eventHash(e) !== e.hash) return fail(seq, e.id, 'its content does not match its hash (edited)');
  appendLeaf(chain.tree, leafHash(e.hash));
  chain.prev = e.hash;
  for (; chain.next < chain.heads.length && Number(chain.heads[chain.next].seq) <= seq; chain.next += 1) {
    const cp = chain.heads[chain.next];
    const problem = checkHead(cp, chain.keys);
    if (problem) return fail(seq, e.id, `the signed head at seq ${seq} ${problem}`);
    if (Number(cp.seq) !== seq || cp.hash !== e.hash || cp.rootHash !== treeRoot(chain.tree).toString('hex'))
      return fail(seq, e.id, `the signed head at seq ${seq} does not match the events up to it (rewritten)`);
    totals.heads += 1;
  }
}

function endChain() {
  if (!chain || chain.broken) return;
  const size = chain.tree.size;
  const last = chain.heads.at(-1);
  if (last && Number(last.seq) > size)
    return fail(size + 1, null, `a signed head proves seq ${last.seq}, but the chain ends at ${size} (deleted)`);
  if (size > 0 && (!last || Number(last.seq) < size))
    return fail(
      Number(last?.seq ?? 0) + 1,
      null,
      `events after seq ${last?.seq ?? 0} are not covered by a signed head (inserted)`,
    );
}

const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
let n = 0;
let keys = null;
try {
  for await (const text of lines) {
    n += 1;
    if (!text.trim()) continue;
    let v;
    try {
      v = JSON.parse(text);
    } catch {
      if (chain) fail(chain.tree.size + 1, null, `line ${n} is not JSON (altered)`);
      else throw new Error(`line ${n} is not JSON`);
      continue;
    }
    if (n === 1 && (v.type !== 'bundle' || v.format !== 'backoffice-audit-bundle')) throw new Error('not an audit bundle');
    if (v.type === 'key') bundleKeys.push(v);
    else if (v.type === 'chain') {
      // A stretch that starts after an archived part (docs/partitioning.md) needs the start's frontier.
      if (v.start)
        throw new Error(
          `chain ${v.chainKey} starts after seq ${v.start.seq} (archived months): use backoffice audit:verify --bundle`,
        );
      endChain();
      keys ??= loadKeys(keysFile ? JSON.parse(readFileSync(keysFile, 'utf8')).keys : bundleKeys);
      chain = { key: v.chainKey, tree: { size: 0, nodes: [] }, prev: '0'.repeat(64), heads: [], next: 0, keys, broken: false };
      totals.chains += 1;
    } else if (v.type === 'checkpoint') {
      if (v.algorithm === 'ed25519') chain.heads.push(v);
      else totals.legacy += 1; // HMAC checkpoints need the operator's secret: the signed heads cover the same events
    } else if (v.type === 'event') onEvent(v);
  }
  endChain();
} catch (err) {
  console.error(`error: ${file}: ${err.message}`);
  process.exit(2);
}

const trust = keysFile
  ? `keys from ${keysFile}`
  : `keys from the bundle itself: ${bundleKeys.map((k) => k.kid).join(', ')} (compare with /.well-known/audit-keys.json)`;
if (breaks.length) {
  console.log(`BROKEN: ${breaks.length} of ${totals.chains} chain(s)`);
  for (const b of breaks) console.log(`  ${b}`);
  console.log(`  ${trust}`);
  process.exit(1);
}
console.log(`intact: ${totals.chains} chain(s), ${totals.events} event(s), ${totals.heads} signed head(s) verified; ${trust}`);
if (totals.legacy) console.log(`  note: ${totals.legacy} legacy HMAC checkpoint(s) not checked (they need the operator's key)`);
