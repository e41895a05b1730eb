-- Rules that must hold in the database, not only in code: value checks, tenant-consistent
-- foreign keys, append-only financial records and audit trail, and the application role's grants.
-- Prisma cannot express these; they live only here (docs/migrations.md).

-- Values -------------------------------------------------------------------------------------
ALTER TABLE "Transaction"
  ADD CONSTRAINT "Transaction_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "Transaction_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "Transaction_adjustment_reference" CHECK (
    ("kind" = 'ADJUSTMENT' AND "adjustsTransactionId" IS NOT NULL)
    OR ("kind" = 'REGULAR' AND "adjustsTransactionId" IS NULL));
ALTER TABLE "Account" ADD CONSTRAINT "Account_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_currency_iso" CHECK ("baseCurrency" ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "Tenant_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{1,62}$');
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "Budget_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "RecurringRule" ADD CONSTRAINT "RecurringRule_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "RecurringRule_interval_positive" CHECK ("interval" > 0);
ALTER TABLE "Asset" ADD CONSTRAINT "Asset_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Liability" ADD CONSTRAINT "Liability_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_payment_day" CHECK ("paymentDay" BETWEEN 1 AND 31),
  ADD CONSTRAINT "Loan_term_positive" CHECK ("termMonths" > 0);
ALTER TABLE "FeatureFlag" ADD CONSTRAINT "FeatureFlag_rollout_range" CHECK ("rolloutPercentage" BETWEEN 0 AND 100);
ALTER TABLE "TenantAccessGrant" ADD CONSTRAINT "TenantAccessGrant_reason_present" CHECK (length(trim("reason")) > 0);

-- Tenant-consistent references: a row can only point at rows of its own tenant -----------------
ALTER TABLE "Liability" ADD CONSTRAINT "Liability_tenantId_id_key" UNIQUE ("tenantId", "id");
ALTER TABLE "Transaction"
  ADD CONSTRAINT "Transaction_tenant_account_fkey" FOREIGN KEY ("tenantId", "accountId") REFERENCES "Account"("tenantId", "id"),
  ADD CONSTRAINT "Transaction_tenant_category_fkey" FOREIGN KEY ("tenantId", "categoryId") REFERENCES "Category"("tenantId", "id");
ALTER TABLE "Budget"
  ADD CONSTRAINT "Budget_tenant_category_fkey" FOREIGN KEY ("tenantId", "categoryId") REFERENCES "Category"("tenantId", "id");
ALTER TABLE "RecurringRule"
  ADD CONSTRAINT "RecurringRule_tenant_account_fkey" FOREIGN KEY ("tenantId", "accountId") REFERENCES "Account"("tenantId", "id"),
  ADD CONSTRAINT "RecurringRule_tenant_category_fkey" FOREIGN KEY ("tenantId", "categoryId") REFERENCES "Category"("tenantId", "id");
ALTER TABLE "Loan"
  ADD CONSTRAINT "Loan_tenant_liability_fkey" FOREIGN KEY ("tenantId", "liabilityId") REFERENCES "Liability"("tenantId", "id");

-- Append-only tables -------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION backoffice_forbid_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on "%" is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'BO001',
          HINT = 'Financial records and audit events are corrected by appending, never by changing.';
END;
$$;

CREATE TRIGGER "Transaction_append_only" BEFORE UPDATE OR DELETE ON "Transaction"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "Transaction_no_truncate" BEFORE TRUNCATE ON "Transaction"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditCheckpoint_append_only" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditCheckpoint_no_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();

-- The application's role: full DML where the domain needs it, INSERT/SELECT only on ---------
-- append-only tables. The migration owner keeps ownership; the app never owns a table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backoffice_app') THEN
    CREATE ROLE backoffice_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO backoffice_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO backoffice_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO backoffice_app;
REVOKE UPDATE, DELETE, TRUNCATE ON "Transaction", "AuditEvent", "AuditCheckpoint" FROM backoffice_app;
REVOKE ALL ON schema_migrations FROM backoffice_app;
GRANT SELECT ON schema_migrations TO backoffice_app;
