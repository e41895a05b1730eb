import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Reading Ed25519 keys from configuration text (the audit trail's signing keys): a private key as
 * its 32-byte seed in base64url (43 characters) or a PKCS#8 PEM; a public key as its 32 raw bytes
 * in base64url or an SPKI PEM. PEMs may come with literal "\n" (one-line environment variables).
 */

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

const pem = (text: string) => text.replace(/\\n/g, '\n');

/** The private key, or throws naming the accepted forms. */
export function ed25519PrivateKeyFrom(text: string): KeyObject {
  const value = text.trim();
  let key: KeyObject;
  try {
    key = BASE64URL_32.test(value)
      ? createPrivateKey({
          key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(value, 'base64url')]),
          format: 'der',
          type: 'pkcs8',
        })
      : createPrivateKey({ key: pem(value), format: 'pem' });
  } catch {
    throw new Error('an Ed25519 private key: 43 base64url characters (its 32-byte seed) or a PKCS#8 PEM');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('an Ed25519 private key (this PEM holds another kind of key)');
  return key;
}

/** The public key, or throws naming the accepted forms. */
export function ed25519PublicKeyFrom(text: string): KeyObject {
  const value = text.trim();
  let key: KeyObject;
  try {
    key = BASE64URL_32.test(value)
      ? createPublicKey({
          key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(value, 'base64url')]),
          format: 'der',
          type: 'spki',
        })
      : createPublicKey({ key: pem(value), format: 'pem' });
  } catch {
    throw new Error('an Ed25519 public key: 43 base64url characters or an SPKI PEM');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('an Ed25519 public key');
  return key;
}

/** True when `read` accepts the text (configuration validation). */
export const isKeyText = (read: (text: string) => KeyObject) => (text: string) => {
  try {
    read(text);
    return true;
  } catch {
    return false;
  }
};
