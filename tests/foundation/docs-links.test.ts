import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** What a fresh clone has: the files git tracks (and the folders holding them). */
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const inClone = (path: string) => tracked.some((f) => f === path || f.startsWith(`${path.replace(/\/$/, '')}/`));

describe('README, docs and runbooks are true to a fresh clone', () => {
  it('link only to files and folders a clone has', () => {
    const docs = tracked.filter((f) => /^(README\.md|docs\/.*\.md|runbooks\/.*\.md)$/.test(f));
    expect(docs.length).toBeGreaterThan(5);
    const broken: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // http(s), mailto
        const path = normalize(join(dirname(doc), target!));
        if (path.startsWith('..') || !inClone(path)) broken.push(`${doc} → ${target}`);
      }
      // A path outside the repository in backticks reads as one too.
      for (const [, outside] of text.matchAll(/`(\.\.\/[^`]+)`/g)) broken.push(`${doc} → ${outside}`);
    }
    expect(broken).toEqual([]);
    expect(existsSync(join(root, 'README.md'))).toBe(true);
  });
});
