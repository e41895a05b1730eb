-- The Transaction table takes millions of rows: keep its write path lean without weakening rules.
-- 1. The single-column foreign keys to Account and Category are implied by the tenant-consistent
--    composite ones of migration 002 (same columns plus tenantId), so they only cost a second
--    lookup per insert. (A `prisma migrate diff` draft will propose to re-add them: delete those lines.)
ALTER TABLE "Transaction" DROP CONSTRAINT "Transaction_accountId_fkey";
ALTER TABLE "Transaction" DROP CONSTRAINT "Transaction_categoryId_fkey";

-- 2. Only adjustments and categorised rows carry these references: index just them.
--    (The recurring-rule unique index stays whole: ON CONFLICT relies on it.)
DROP INDEX "Transaction_adjustsTransactionId_idx";
CREATE INDEX "Transaction_adjustsTransactionId_idx" ON "Transaction" ("adjustsTransactionId") WHERE "adjustsTransactionId" IS NOT NULL;
DROP INDEX "Transaction_categoryId_idx";
CREATE INDEX "Transaction_categoryId_idx" ON "Transaction" ("categoryId") WHERE "categoryId" IS NOT NULL;
