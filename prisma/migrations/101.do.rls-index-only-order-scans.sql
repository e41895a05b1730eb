-- Row-level security (ADR 0011, migration 100) adds a filter on "tenantId" to every statement of
-- the application role. The admin's index-ordered lists and capped counts scan these indexes in
-- their order; without "tenantId" in the index, each row needs a heap visit to evaluate the policy
-- and the capped count is no longer an index-only scan (4.5 ms instead of 0.3 ms for 1,001 rows:
-- bench/rls.ts). INCLUDE ("tenantId") lets the policy be checked from the index itself.
-- (On a large existing table, build these CONCURRENTLY by hand first: docs/migrations.md.)
DROP INDEX IF EXISTS "Transaction_occurredAt_id_idx";
CREATE INDEX "Transaction_occurredAt_id_idx" ON "Transaction" ("occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Transaction_accountId_occurredAt_id_idx";
CREATE INDEX "Transaction_accountId_occurredAt_id_idx" ON "Transaction" ("accountId", "occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "AuditEvent_occurredAt_id_idx";
CREATE INDEX "AuditEvent_occurredAt_id_idx" ON "AuditEvent" ("occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "User_createdAt_id_idx";
CREATE INDEX "User_createdAt_id_idx" ON "User" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Account_createdAt_id_idx";
CREATE INDEX "Account_createdAt_id_idx" ON "Account" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Budget_createdAt_id_idx";
CREATE INDEX "Budget_createdAt_id_idx" ON "Budget" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "RecurringRule_createdAt_id_idx";
CREATE INDEX "RecurringRule_createdAt_id_idx" ON "RecurringRule" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Asset_createdAt_id_idx";
CREATE INDEX "Asset_createdAt_id_idx" ON "Asset" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Liability_createdAt_id_idx";
CREATE INDEX "Liability_createdAt_id_idx" ON "Liability" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Loan_createdAt_id_idx";
CREATE INDEX "Loan_createdAt_id_idx" ON "Loan" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "OutboxEvent_createdAt_id_idx";
CREATE INDEX "OutboxEvent_createdAt_id_idx" ON "OutboxEvent" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Category_name_id_idx";
CREATE INDEX "Category_name_id_idx" ON "Category" ("name", "id") INCLUDE ("tenantId");
DROP INDEX IF EXISTS "ApprovalRequest_createdAt_id_idx";
CREATE INDEX "ApprovalRequest_createdAt_id_idx" ON "ApprovalRequest" ("createdAt" DESC, "id" DESC) INCLUDE ("tenantId");
-- The sort indexes of migration 091 whose key lacks "tenantId".
DROP INDEX IF EXISTS "Transaction_amount_id_idx";
CREATE INDEX "Transaction_amount_id_idx" ON "Transaction" ("amount", "id") INCLUDE ("tenantId");
DROP INDEX IF EXISTS "User_name_id_idx";
CREATE INDEX "User_name_id_idx" ON "User" ("name", "id") INCLUDE ("tenantId");
DROP INDEX IF EXISTS "Account_name_id_idx";
CREATE INDEX "Account_name_id_idx" ON "Account" ("name", "id") INCLUDE ("tenantId");
