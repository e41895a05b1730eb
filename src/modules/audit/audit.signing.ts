import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PrivateKeyFrom, ed25519PublicKeyFrom } from '../../lib/ed25519.js';

/**
 * Ed25519 signatures of audit tree heads (docs/audit.md, "Signed tree heads"). The private key
 * lives in configuration (AUDIT_SIGNING_KEY); verifying needs only the public keys, published at
 * GET /.well-known/audit-keys.json and included in every bundle, so anybody can check a head
 * and nobody who can check one can forge one.
 */

/** What a checkpoint signs: one chain's Merkle tree at a size, and the chain head at that size. */
export interface TreeHead {
  chainKey: string;
  /** Number of events (= the seq of the last one), decimal. */
  treeSize: string;
  /** RFC 9162 Merkle tree hash of events 1..treeSize (hex). */
  rootHash: string;
  /** The chain hash of event treeSize (hex): ties the tree to the hash chain. */
  headHash: string;
  keyId: string;
  /** ISO 8601 UTC with milliseconds. */
  signedAt: string;
}

export const TREE_HEAD_DOMAIN = 'backoffice.audit.tree-head.v1';

/** The exact bytes signed: one field per line, in this order, after a domain-separation line. */
export function treeHeadMessage(h: TreeHead): Buffer {
  return Buffer.from([TREE_HEAD_DOMAIN, h.chainKey, h.treeSize, h.rootHash, h.headHash, h.keyId, h.signedAt].join('\n'), 'utf8');
}

/** An Ed25519 public key as published (a JWK, RFC 8037, with our status). */
export interface PublishedKey {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The raw 32-byte public key, base64url. */
  x: string;
  /** RFC 7638 thumbprint of the key (base64url SHA-256 of its canonical JWK). */
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /** active: signs new heads; retired: kept so older heads still verify. */
  status: 'active' | 'retired';
}

/** The document served at /.well-known/audit-keys.json and embedded in bundles. */
export interface AuditKeySet {
  keys: PublishedKey[];
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw public key, base64url. */
  x: string;
}

/** A set of public keys that verify heads, by key id. */
export type KeyRing = ReadonlyMap<string, { publicKey: KeyObject; status: 'active' | 'retired' }>;

/** RFC 7638 JWK thumbprint of an Ed25519 key: the key id everyone can recompute. */
export function keyIdOf(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

/**
 * Reads a private key from configuration: the 32-byte seed in base64url (43 characters, what
 * `npx backoffice audit:keygen` prints) or a PKCS#8 PEM. Throws with a message naming the form.
 */
export function parseSigningKey(text: string): SigningKey {
  const privateKey = ed25519PrivateKeyFrom(text);
  const publicKey = createPublicKey(privateKey);
  const x = rawPublicKey(publicKey);
  return { keyId: keyIdOf(x), privateKey, publicKey, x };
}

/** Reads a public key: raw base64url (43 characters) or an SPKI PEM. */
export function parsePublicKey(text: string): { x: string; keyId: string; publicKey: KeyObject } {
  const publicKey = ed25519PublicKeyFrom(text);
  const x = rawPublicKey(publicKey);
  return { x, keyId: keyIdOf(x), publicKey };
}

/** A fresh key pair: the seed goes to the secret manager, the public key is published. */
export function generateSigningKey(): { privateKey: string; publicKey: string; keyId: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = der.subarray(der.length - 32).toString('base64url');
  const key = parseSigningKey(seed);
  return { privateKey: seed, publicKey: key.x, keyId: key.keyId };
}

/** Signs a tree head; the signature is 64 bytes, hex. */
export function signTreeHead(key: SigningKey, head: TreeHead): string {
  if (head.keyId !== key.keyId) throw new Error('a tree head must name the key that signs it');
  return sign(null, treeHeadMessage(head), key.privateKey).toString('hex');
}

export type HeadCheck = 'valid' | 'unknown-key' | 'bad-signature';

/** Checks a signed tree head against a key ring: the named key must be in it and must have signed exactly this head. */
export function checkTreeHead(keys: KeyRing, head: TreeHead, signature: string): HeadCheck {
  const key = keys.get(head.keyId);
  if (!key) return 'unknown-key';
  if (!/^[0-9a-f]{128}$/.test(signature)) return 'bad-signature';
  return verify(null, treeHeadMessage(head), key.publicKey, Buffer.from(signature, 'hex')) ? 'valid' : 'bad-signature';
}

/** The published key set: the active key first, then the retired ones. */
export function buildKeySet(active: SigningKey | null, retired: readonly string[]): AuditKeySet {
  const keys: PublishedKey[] = [];
  const seen = new Set<string>();
  const add = (x: string, status: PublishedKey['status']) => {
    const kid = keyIdOf(x);
    if (seen.has(kid)) return;
    seen.add(kid);
    keys.push({ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig', status });
  };
  if (active) add(active.x, 'active');
  for (const text of retired) add(parsePublicKey(text).x, 'retired');
  return { keys };
}

/**
 * The key ring of a published key set. Each key id is recomputed from the key: a document that
 * names a key by another key's id is refused, so a key id always means one key.
 */
export function keyRingOf(set: AuditKeySet): Map<string, { publicKey: KeyObject; status: 'active' | 'retired' }> {
  const ring = new Map<string, { publicKey: KeyObject; status: 'active' | 'retired' }>();
  for (const k of set.keys ?? []) {
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string') throw new Error('audit keys must be Ed25519 JWKs');
    const parsed = parsePublicKey(k.x);
    if (k.kid !== parsed.keyId) throw new Error(`audit key ${k.kid} is not the thumbprint of its public key`);
    ring.set(parsed.keyId, { publicKey: parsed.publicKey, status: k.status === 'active' ? 'active' : 'retired' });
  }
  return ring;
}

/** The keys a verifier needs: public keys for signed heads, and the legacy HMAC keys (current first). */
export interface VerifierKeys {
  ring: KeyRing;
  hmac: readonly string[];
}

/** The keys of a process: the signing key, every key that verifies, and what is published. */
export interface AuditKeys extends VerifierKeys {
  signer: SigningKey;
  keySet: AuditKeySet;
}

/** Builds the process's audit keys from configuration (AUDIT_SIGNING_KEY, AUDIT_SIGNING_RETIRED_KEYS, legacy HMAC keys). */
export function createAuditKeys(args: {
  signingKey: string;
  retiredPublicKeys?: readonly string[];
  hmacKeys?: ReadonlyArray<string | undefined>;
}): AuditKeys {
  const signer = parseSigningKey(args.signingKey);
  const keySet = buildKeySet(signer, args.retiredPublicKeys ?? []);
  return {
    signer,
    keySet,
    ring: keyRingOf(keySet),
    hmac: (args.hmacKeys ?? []).filter((k): k is string => !!k),
  };
}

/** The published form of a key ring (to hand the keys to a worker thread or write them into a bundle). */
export function keySetOfRing(ring: KeyRing): AuditKeySet {
  return {
    keys: [...ring].map(([kid, { publicKey, status }]): PublishedKey => ({
      kty: 'OKP',
      crv: 'Ed25519',
      x: rawPublicKey(publicKey),
      kid,
      alg: 'EdDSA',
      use: 'sig',
      status,
    })),
  };
}
