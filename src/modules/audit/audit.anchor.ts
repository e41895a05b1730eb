import { createReadStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { OutboxEvent } from '@prisma/client';
import type { Mailer } from '../mail/mail.service.js';
import type { AnchorRecord, HeadsSignedPayload } from './audit.heads.js';

/**
 * Anchors: every signed tree head is also written somewhere the database's owner cannot rewrite
 * (docs/audit.md, "Anchoring"). The sinks are an append-only file or directory
 * (AUDIT_ANCHOR_PATH) and a mail to compliance (AUDIT_ANCHOR_EMAIL) for each checkpoint run,
 * both fed by the outbox once the head's transaction has committed. `audit:verify --anchors`
 * reads them back: a database rewritten together with fresh signed heads disagrees with them.
 */

const isDirectoryPath = async (path: string): Promise<boolean> => {
  if (path.endsWith('/')) return true;
  try {
    return (await fsp.stat(path)).isDirectory();
  } catch {
    return false;
  }
};

/** The file a batch of anchors goes to: PATH itself, or PATH/audit-anchors-YYYY-MM-DD.ndjson (UTC day). */
export async function anchorFileFor(path: string, at = new Date()): Promise<string> {
  return (await isDirectoryPath(path)) ? join(path, `audit-anchors-${at.toISOString().slice(0, 10)}.ndjson`) : path;
}

/**
 * Appends anchors, one JSON line each, in one O_APPEND write (lines from several processes do
 * not interleave). Redelivery may append a line twice: readers ignore exact duplicates.
 */
export async function appendAnchors(path: string, anchors: readonly AnchorRecord[]): Promise<string> {
  const file = await anchorFileFor(path);
  await fsp.mkdir(join(file, '..'), { recursive: true });
  await fsp.appendFile(file, anchors.map((a) => `${JSON.stringify(a)}\n`).join(''), { flag: 'a', mode: 0o640 });
  return file;
}

const ANCHOR_FIELDS = ['chainKey', 'treeSize', 'rootHash', 'headHash', 'keyId', 'signedAt', 'signature'] as const;

/** A line that is an anchor record (as written by appendAnchors, or pasted from the compliance mail). */
export function parseAnchorLine(line: string): AnchorRecord | null {
  const start = line.indexOf('{');
  if (start < 0) return null;
  try {
    const v = JSON.parse(line.slice(start)) as Record<string, unknown>;
    if (v.type !== 'audit-tree-head' || !ANCHOR_FIELDS.every((f) => typeof v[f] === 'string')) return null;
    const record = { type: 'audit-tree-head' } as AnchorRecord;
    for (const f of ANCHOR_FIELDS) record[f] = v[f] as string;
    return record;
  } catch {
    return null;
  }
}

/** Every anchor in a file, or in every file of a directory (other lines are ignored; duplicates dropped). */
export async function readAnchors(path: string): Promise<{ anchors: AnchorRecord[]; files: number }> {
  const files = (await isDirectoryPath(path))
    ? (await fsp.readdir(path, { withFileTypes: true }))
        .filter((d) => d.isFile())
        .map((d) => join(path, d.name))
        .sort()
    : [path];
  const seen = new Set<string>();
  const anchors: AnchorRecord[] = [];
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      const record = parseAnchorLine(line);
      if (!record) continue;
      const key = JSON.stringify(record);
      if (seen.has(key)) continue;
      seen.add(key);
      anchors.push(record);
    }
  }
  return { anchors, files: files.length };
}

export interface AnchorSinks {
  /** AUDIT_ANCHOR_PATH: a directory (one file per day) or a file. */
  path?: string | undefined;
  /** AUDIT_ANCHOR_EMAIL, and the mailer that sends through the outbox. */
  email?: string | undefined;
  mailer?: Mailer;
}

/**
 * The outbox consumer of signed heads: appends them to the anchor file, and mails the heads of
 * each checkpoint run to compliance (the heads record() signs every N events go to the file
 * only: one mail per run, not per hundred events). Idempotent: the mail is keyed by the event.
 */
export function createAnchorConsumer(sinks: AnchorSinks): (event: OutboxEvent) => Promise<void> {
  return async (event) => {
    const payload = event.payload as unknown as HeadsSignedPayload;
    // Re-read in the record's field order (the payload went through jsonb, which reorders keys).
    const heads = (payload.heads ?? [])
      .map((h) => parseAnchorLine(JSON.stringify(h)))
      .filter((h): h is AnchorRecord => h !== null);
    if (!heads.length) return;
    if (sinks.path) await appendAnchors(sinks.path, heads);
    if (sinks.email && sinks.mailer && payload.source === 'job')
      await sinks.mailer.send({
        dedupeKey: `audit-anchor:${event.id}`,
        to: sinks.email,
        subject: `Audit trail: ${heads.length} signed tree head(s) to keep`,
        text: [
          'These audit tree heads were signed by the back office. Keep this mail: it is evidence held outside',
          'the database. To check the trail against it, save the lines below into a file and run',
          '`npx backoffice audit:verify --anchors FILE` (docs/audit.md, "Anchoring").',
          '',
          ...heads.map((h) => JSON.stringify(h)),
          '',
        ].join('\n'),
      });
  };
}
