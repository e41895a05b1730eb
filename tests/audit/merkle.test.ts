import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  leafHash,
  MerkleFrontier,
  MerkleTree,
  nodeHash,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from '../../src/modules/audit/audit.merkle.js';

// The Certificate Transparency reference data (RFC 6962 test vectors, also used by RFC 9162
// implementations): eight leaf inputs and the tree heads of each prefix, published
// independently of this code. If our hashing or split rule differed from the RFC's, these fail.
const ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  { index: 0, size: 1, path: [] as string[] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  { first: 1, second: 1, path: [] as string[] },
  {
    first: 1,
    second: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    path: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 3,
    second: 7,
    path: [
      '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
      '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      '837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e',
    ],
  },
  { first: 4, second: 7, path: ['837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e'] },
  {
    first: 6,
    second: 7,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const hx = (b: Buffer[]) => b.map((x) => x.toString('hex'));
const unhex = (s: string[]) => s.map((x) => Buffer.from(x, 'hex'));
const LEAVES = ENTRIES.map((e) => leafHash(Buffer.from(e, 'hex')));
const tree = new MerkleTree(LEAVES);

/** The RFC's definition, recursively, straight from the text: the reference the fast code is held to. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const randomLeaves = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf-${salt}-${i}`)));

describe('RFC 9162 hashing', () => {
  it('prefixes leaves with 0x00 and nodes with 0x01; the empty tree is SHA-256("")', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[1]);
    expect(leafHash(Buffer.alloc(0))).toEqual(
      createHash('sha256')
        .update(Buffer.from([0]))
        .digest(),
    );
    expect(nodeHash(LEAVES[0]!, LEAVES[1]!).toString('hex')).toBe(ROOTS[2]);
    expect(() => nodeHash(Buffer.alloc(31), Buffer.alloc(32))).toThrow(RangeError);
  });

  it('splits at the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512]);
  });

  it.each(ROOTS.map((root, size) => ({ size, root })))('MTH(D[$size]) = the reference root', ({ size, root }) => {
    expect(tree.root(size).toString('hex')).toBe(root);
    const frontier = MerkleFrontier.empty();
    for (const leaf of LEAVES.slice(0, size)) frontier.append(leaf);
    expect(frontier.root().toString('hex')).toBe(root);
  });

  it.each(INCLUSION)('PATH($index, D[$size]) = the reference path, and it verifies', ({ index, size, path }) => {
    expect(hx(tree.inclusionProof(index, size))).toEqual(path);
    expect(verifyInclusion(LEAVES[index]!, index, size, unhex(path), Buffer.from(ROOTS[size]!, 'hex'))).toBe(true);
  });

  it.each(CONSISTENCY)('PROOF($first, D[$second]) = the reference proof, and it verifies', ({ first, second, path }) => {
    expect(hx(tree.consistencyProof(first, second))).toEqual(path);
    expect(
      verifyConsistency(first, second, Buffer.from(ROOTS[first]!, 'hex'), Buffer.from(ROOTS[second]!, 'hex'), unhex(path)),
    ).toBe(true);
  });
});

describe('MerkleTree and MerkleFrontier (property tests against the RFC definition)', () => {
  it('the frontier, the tree and the recursive definition agree on every root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const leaves = randomLeaves(n, n);
        const t = new MerkleTree(leaves);
        const f = MerkleFrontier.empty();
        for (let size = 0; size <= n; size += 1) {
          expect(f.root()).toEqual(referenceRoot(leaves.slice(0, size)));
          expect(t.root(size)).toEqual(f.root());
          if (size < n) f.append(leaves[size]!);
        }
        // A frontier survives its stored form.
        expect(MerkleFrontier.fromHex(n, f.toHex()).root()).toEqual(f.root());
      }),
      { numRuns: 40 },
    );
  });

  it('every inclusion proof verifies, and fails for another leaf, index, size or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, seed) => {
        const leaves = randomLeaves(n, seed);
        const t = new MerkleTree(leaves);
        const size = 1 + (seed % n);
        const root = t.root(size);
        for (let i = 0; i < size; i += 1) {
          const proof = t.inclusionProof(i, size);
          expect(verifyInclusion(leaves[i]!, i, size, proof, root)).toBe(true);
          expect(verifyInclusion(leafHash(Buffer.from('other')), i, size, proof, root)).toBe(false);
          if (size > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % size, size, proof, root)).toBe(false);
          // The signed size and root go together: the same path does not reach the next size's root.
          if (size < n) expect(verifyInclusion(leaves[i]!, i, size + 1, proof, t.root(size + 1))).toBe(false);
          expect(verifyInclusion(leaves[i]!, i, size, proof, leafHash(root))).toBe(false);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('every consistency proof verifies, and fails when the older tree was rewritten', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.nat(), (n, seed) => {
        const leaves = randomLeaves(n, seed);
        const t = new MerkleTree(leaves);
        for (let m = 0; m <= n; m += 1) {
          const proof = t.consistencyProof(m, n);
          expect(verifyConsistency(m, n, t.root(m), t.root(n), proof)).toBe(true);
          if (m >= 1 && m < n) {
            // History rewritten below m, new head over the rewritten leaves: no proof links them.
            const rewritten = [...leaves];
            rewritten[seed % m] = leafHash(Buffer.from('forged'));
            const forged = new MerkleTree(rewritten);
            expect(verifyConsistency(m, n, t.root(m), forged.root(n), forged.consistencyProof(m, n))).toBe(false);
            expect(verifyConsistency(m, n, t.root(m), t.root(n), proof.slice(1))).toBe(false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuses malformed frontiers and out-of-range proofs', () => {
    expect(() => MerkleFrontier.from(3, [LEAVES[0]!])).toThrow(RangeError);
    expect(() => MerkleFrontier.fromHex(1, 'zz')).toThrow(RangeError);
    expect(() => tree.inclusionProof(8, 8)).toThrow(RangeError);
    expect(() => tree.root(9)).toThrow(RangeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(RangeError);
    expect(verifyInclusion(LEAVES[0]!, 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(0, 4, EMPTY_ROOT, tree.root(4), [])).toBe(true);
    expect(verifyConsistency(2, 4, tree.root(2), tree.root(4), [])).toBe(false);
  });
});
