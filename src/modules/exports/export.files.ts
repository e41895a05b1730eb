import { promises as fsp } from 'node:fs';
import type { Database } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import type { exportRepository, StaleFile } from './export.repository.js';

/**
 * Deletes a file an export let go of (and its manifest), then forgets it. Idempotent (a file
 * already gone counts as deleted) and never throws: a failure leaves the file recorded on its
 * export (`staleFilePath`), and export maintenance (`services.exports.removeStaleFiles`) retries it.
 * Runs after the transaction that let go of the file has committed, so a rollback never leaves a
 * row pointing at a missing file.
 */
export async function deleteStaleFile(
  deps: { db: Database; exports: typeof exportRepository },
  ctx: ServiceContext,
  file: StaleFile,
): Promise<boolean> {
  try {
    await fsp.rm(file.path, { force: true });
    await fsp.rm(`${file.path}.manifest.json`, { force: true });
    await deps.db.write(ctx, (s) => deps.exports.forgetStaleFile(s, file));
    return true;
  } catch {
    return false;
  }
}
