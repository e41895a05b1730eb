-- Issue 17: text filters and sorts of the admin answer from an index.
-- 1. Substring filters (the admin's `contains`, i.e. ILIKE '%x%') on big text columns use trigram
--    GIN indexes. pg_trgm ships with PostgreSQL's contrib (embedded-postgres has it under
--    share/extension; Debian's postgresql package too) and is a trusted extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Transaction_description_trgm_idx" ON "Transaction" USING gin ("description" gin_trgm_ops);
CREATE INDEX "User_email_trgm_idx" ON "User" USING gin ("email" gin_trgm_ops);
CREATE INDEX "User_name_trgm_idx" ON "User" USING gin ("name" gin_trgm_ops);
CREATE INDEX "Tenant_name_trgm_idx" ON "Tenant" USING gin ("name" gin_trgm_ops);
CREATE INDEX "StaffUser_email_trgm_idx" ON "StaffUser" USING gin ("email" gin_trgm_ops);

-- 2. Every column the admin offers as sortable (admin-records.policy.ts `sortable`) is served by
--    an index in the list's order (column, id) — and, on tenant-owned tables, by one leading with
--    tenantId for tenant-scoped staff (their lists are read tenant by tenant, then merged).
CREATE INDEX "Transaction_amount_id_idx" ON "Transaction" ("amount", "id");
CREATE INDEX "Transaction_tenantId_amount_id_idx" ON "Transaction" ("tenantId", "amount", "id");
CREATE INDEX "Tenant_name_id_idx" ON "Tenant" ("name", "id");
CREATE INDEX "User_name_id_idx" ON "User" ("name", "id");
CREATE INDEX "User_tenantId_name_id_idx" ON "User" ("tenantId", "name", "id");
CREATE INDEX "User_tenantId_email_idx" ON "User" ("tenantId", "email");
CREATE INDEX "Account_name_id_idx" ON "Account" ("name", "id");
CREATE INDEX "Account_tenantId_name_id_idx" ON "Account" ("tenantId", "name", "id");
