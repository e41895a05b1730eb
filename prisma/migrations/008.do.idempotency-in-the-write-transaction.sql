-- Idempotency keys are claimed, completed and answered in the very transaction of the write they
-- guard (src/modules/idempotency): a key row is only ever visible COMPLETED, with the exact bytes
-- of the first response. After the replay window (`expiresAt`) a key is kept, without its response,
-- until `retainUntil`, so a late retry hears 409 IDEMPOTENCY.KEY_EXPIRED instead of creating a
-- second record.
ALTER TABLE "IdempotencyKey" ADD COLUMN "responseText" TEXT, ADD COLUMN "retainUntil" TIMESTAMPTZ(3);
UPDATE "IdempotencyKey" SET "responseText" = "responseBody"::text, "retainUntil" = "expiresAt" + interval '30 days';
ALTER TABLE "IdempotencyKey" ALTER COLUMN "retainUntil" SET NOT NULL;
ALTER TABLE "IdempotencyKey" DROP COLUMN "responseBody";
DROP INDEX IF EXISTS "IdempotencyKey_expiresAt_idx";
CREATE INDEX "IdempotencyKey_retainUntil_idx" ON "IdempotencyKey"("retainUntil");
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt") WHERE "responseText" IS NOT NULL;
