import type { Tx } from '../../db/prisma.js';
import { GENESIS_HASH } from './audit.hash.js';

/** The only code that touches audit tables. It can insert and read; nothing else exists here. */
export const auditRepository = {
  /** Locks the chain's head row for this transaction (creating it at genesis) and returns it. */
  async lockHead(tx: Tx, chainKey: string): Promise<{ seq: bigint; hash: string }> {
    await tx.$executeRaw`INSERT INTO "AuditChainHead" ("chainKey", "seq", "hash") VALUES (${chainKey}, 0, ${GENESIS_HASH}) ON CONFLICT ("chainKey") DO NOTHING`;
    const rows = await tx.$queryRaw<Array<{ seq: bigint; hash: string }>>`SELECT "seq", "hash" FROM "AuditChainHead" WHERE "chainKey" = ${chainKey} FOR UPDATE`;
    return rows[0]!;
  },

  async advanceHead(tx: Tx, chainKey: string, seq: bigint, hash: string): Promise<void> {
    await tx.$executeRaw`UPDATE "AuditChainHead" SET "seq" = ${seq}, "hash" = ${hash}, "updatedAt" = now() WHERE "chainKey" = ${chainKey}`;
  },

  insertEvent: (tx: Tx, data: Parameters<Tx['auditEvent']['create']>[0]['data']) =>
    tx.auditEvent.create({ data, select: { id: true, seq: true, hash: true } }),

  insertCheckpoint: (tx: Tx, data: { chainKey: string; seq: bigint; hash: string; signature: string }) =>
    tx.auditCheckpoint.create({ data, select: { id: true } }),
};
