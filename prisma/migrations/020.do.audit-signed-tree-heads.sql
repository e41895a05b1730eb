-- Signed tree heads (docs/audit.md, "Signed tree heads"; ADR 0009):
--  * a checkpoint is now an Ed25519 signature over one chain's RFC 9162 Merkle tree at a size
--    (tree size = seq, root hash, head hash, key id, signing time). Checkpoints written before
--    are HMAC-SHA-256 ('hmac-sha256') and keep verifying with the legacy key;
--  * "frontier" is the compact range of the tree at that size (the roots of its perfect
--    subtrees, hex, concatenated): helper data, not signed, always checked against the signed
--    root before use. It lets the next checkpoint and incremental verification continue the
--    tree without re-reading the chain;
--  * AuditVerificationCursor remembers, per chain, the last checkpoint a verification reached
--    intact: where the next incremental verification starts.
-- The append-only triggers of AuditCheckpoint (migration 002) stay as they are.

ALTER TABLE "AuditCheckpoint"
  ADD COLUMN "algorithm" TEXT NOT NULL DEFAULT 'hmac-sha256',
  ADD COLUMN "keyId" TEXT,
  ADD COLUMN "rootHash" TEXT,
  ADD COLUMN "signedAt" TIMESTAMPTZ(3),
  ADD COLUMN "frontier" TEXT;
-- Existing rows are HMAC checkpoints; every new row says what it is.
ALTER TABLE "AuditCheckpoint" ALTER COLUMN "algorithm" DROP DEFAULT;

ALTER TABLE "AuditCheckpoint" DROP CONSTRAINT "AuditCheckpoint_format";
ALTER TABLE "AuditCheckpoint" ADD CONSTRAINT "AuditCheckpoint_format" CHECK (
  "hash" ~ '^[0-9a-f]{64}$' AND (
    ("algorithm" = 'hmac-sha256' AND "signature" ~ '^[0-9a-f]{64}$' AND "keyId" IS NULL AND "rootHash" IS NULL)
    OR ("algorithm" = 'ed25519' AND "signature" ~ '^[0-9a-f]{128}$' AND "keyId" ~ '^[A-Za-z0-9_-]{43}$'
        AND "rootHash" ~ '^[0-9a-f]{64}$' AND "signedAt" IS NOT NULL
        AND ("frontier" IS NULL OR "frontier" ~ '^([0-9a-f]{64})*$'))
  ));

-- The latest signed head of a chain is what record(), the checkpoint job, proofs and exports read.
CREATE INDEX "AuditCheckpoint_signed_heads_idx" ON "AuditCheckpoint" ("chainKey", "seq" DESC) WHERE "algorithm" = 'ed25519';

CREATE TABLE "AuditVerificationCursor" (
  "chainKey" TEXT NOT NULL,
  "checkpointId" BIGINT NOT NULL,
  "seq" BIGINT NOT NULL,
  "verifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "AuditVerificationCursor_pkey" PRIMARY KEY ("chainKey")
);
-- Only moved by verification; not evidence itself (an incremental run re-checks the checkpoint
-- it names: signature, root and frontier). No foreign key to AuditCheckpoint on purpose: a
-- reference would change how PostgreSQL refuses a TRUNCATE of the checkpoints (the append-only
-- trigger must be what refuses it), and a cursor naming a missing checkpoint just means "full run".
GRANT SELECT, INSERT, UPDATE ON "AuditVerificationCursor" TO backoffice_app;

-- The compliance console's export of a verifiable bundle (events, signed heads, public keys).
ALTER TYPE "ExportFormat" ADD VALUE IF NOT EXISTS 'BUNDLE';
