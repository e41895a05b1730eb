-- Erasure (src/modules/erasure):
--  * a closure remembers the status it replaced, so cancelling the erasure within the grace period
--    restores exactly that (a DISABLED member stays disabled, a SUSPENDED household stays suspended);
--  * export files of an erased tenant are removed after the erasure commits: the row lets go of its
--    file in the erasure's transaction (filePath -> staleFilePath) and the file is deleted once the
--    transaction has committed; a failed deletion stays recorded and export maintenance retries it.
ALTER TABLE "User" ADD COLUMN "statusBeforeClose" "UserStatus";
ALTER TABLE "Tenant" ADD COLUMN "statusBeforeClose" "TenantStatus";
ALTER TABLE "ExportJob" ADD COLUMN "staleFilePath" TEXT;
CREATE INDEX "ExportJob_staleFilePath_idx" ON "ExportJob" ("createdAt") WHERE "staleFilePath" IS NOT NULL;
