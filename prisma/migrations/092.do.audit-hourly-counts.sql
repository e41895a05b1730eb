-- Issue 17: the dashboards' audit figures (events per day, outcomes of the last 24 hours) read a
-- summary maintained in the audit write transaction, not COUNTs over AuditEvent whose cost grew
-- with the trail. One row per (UTC hour, tenant, outcome); a tenant's rows are only ever written
-- by appends to that tenant's chain, which are already serialised by the chain head, so the
-- summary adds no lock shared across tenants (global events, tenantId NULL, have their own rows,
-- written under the 'global' chain head).
CREATE TABLE "AuditEventCount" (
  "hour" TIMESTAMP(3) NOT NULL,
  "tenantId" UUID,
  "outcome" "AuditOutcome" NOT NULL,
  "count" BIGINT NOT NULL,
  CONSTRAINT "AuditEventCount_count_positive" CHECK ("count" > 0)
);
CREATE UNIQUE INDEX "AuditEventCount_hour_tenant_outcome_key" ON "AuditEventCount" ("hour", "tenantId", "outcome") NULLS NOT DISTINCT;
CREATE INDEX "AuditEventCount_tenant_hour_idx" ON "AuditEventCount" ("tenantId", "hour");

INSERT INTO "AuditEventCount" ("hour", "tenantId", "outcome", "count")
SELECT date_trunc('hour', "occurredAt" AT TIME ZONE 'UTC'), "tenantId", "outcome", count(*)
  FROM "AuditEvent" GROUP BY 1, 2, 3;

-- Counts the event in the same statement that inserts it (hence in the write's transaction).
CREATE OR REPLACE FUNCTION backoffice_audit_count_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO "AuditEventCount" AS c ("hour", "tenantId", "outcome", "count")
  VALUES (date_trunc('hour', NEW."occurredAt" AT TIME ZONE 'UTC'), NEW."tenantId", NEW."outcome", 1)
  ON CONFLICT ("hour", "tenantId", "outcome") DO UPDATE SET "count" = c."count" + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "AuditEvent_count" AFTER INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_audit_count_event();
REVOKE ALL ON FUNCTION backoffice_audit_count_event() FROM PUBLIC;

-- The application reads the summary; only the trigger writes it.
REVOKE ALL ON "AuditEventCount" FROM backoffice_app;
GRANT SELECT ON "AuditEventCount" TO backoffice_app;
