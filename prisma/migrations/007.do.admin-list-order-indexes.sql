-- The admin lists every resource newest first (Category: by name) and pages through it in that
-- order; without a matching index an unfiltered list (a superadmin's, or compliance's) sorts the
-- whole table for every page, and the capped count (at most 10,001 rows, in the same order)
-- cannot stop early. Tenant-filtered lists use the existing (tenantId, createdAt DESC) indexes.
CREATE INDEX "User_createdAt_id_idx" ON "User" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Account_createdAt_id_idx" ON "Account" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Budget_createdAt_id_idx" ON "Budget" ("createdAt" DESC, "id" DESC);
CREATE INDEX "RecurringRule_createdAt_id_idx" ON "RecurringRule" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Asset_createdAt_id_idx" ON "Asset" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Liability_createdAt_id_idx" ON "Liability" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Loan_createdAt_id_idx" ON "Loan" ("createdAt" DESC, "id" DESC);
CREATE INDEX "OutboxEvent_createdAt_id_idx" ON "OutboxEvent" ("createdAt" DESC, "id" DESC);
CREATE INDEX "Category_name_id_idx" ON "Category" ("name", "id");
