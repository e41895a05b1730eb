-- Tenant isolation enforced by PostgreSQL itself (issue 13, ADR 0011): row-level security under
-- the CASL scope. The application connects as backoffice_app (NOSUPERUSER, NOBYPASSRLS, owns no
-- table) and opens every unit of work in a transaction whose first statement is
--   SELECT set_config('backoffice.tenant_ids', '{<uuid>,...}', true),
--          set_config('backoffice.all_tenants', 'on' | 'off', true)
-- (src/db/tenant-set.ts; the values come from tenantSetOf() in src/modules/access/ability.ts).
-- Both settings are transaction-local: they end with the transaction, so a pooled connection
-- (PgBouncer in transaction mode too) never carries them to the next one.
--
-- A policy admits a row when
--   * the transaction is marked all-tenants, or
--   * its tenant is in the transaction's tenant set, or
--   * it belongs to no tenant ("tenantId" IS NULL, on the tables where that is allowed) and the
--     transaction has a tenant set at all (AuditEvent: only in all-tenants mode, see below).
-- A transaction that set nothing sees no row of these tables and can write none.
--
-- Tables are owned by the migration owner (the embedded `postgres` superuser, or the owner of
-- DATABASE_OWNER_URL), which bypasses the policies: it only migrates. Owners are exempt unless
-- FORCE ROW LEVEL SECURITY, and superusers are exempt even then, so FORCE is not used: the
-- guarantee rests on the application role not owning the tables (checked by
-- tests/integration/rls.test.ts). Foreign-key checks bypass row security by design.

-- The transaction's tenant set (NULL when none was set: nothing matches), all-tenants mode, and
-- whether any set was applied. Policies call them as `(SELECT f())` so that PostgreSQL evaluates
-- each once per statement (an InitPlan), not once per row.
CREATE OR REPLACE FUNCTION backoffice_tenant_ids() RETURNS uuid[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('backoffice.tenant_ids', true), '')::uuid[]
$$;

CREATE OR REPLACE FUNCTION backoffice_all_tenants() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('backoffice.all_tenants', true), '') = 'on'
$$;

CREATE OR REPLACE FUNCTION backoffice_tenant_context() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('backoffice.all_tenants', true), '') = 'on'
      OR coalesce(current_setting('backoffice.tenant_ids', true), '') <> ''
$$;

-- Whether one tenant's rows are visible to the transaction (for SQL written by hand and for
-- SECURITY DEFINER functions that must bound themselves; policies inline the same test).
CREATE OR REPLACE FUNCTION backoffice_tenant_visible(p_tenant uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT backoffice_all_tenants() OR p_tenant = ANY (coalesce(backoffice_tenant_ids(), '{}'::uuid[]))
$$;

REVOKE ALL ON FUNCTION backoffice_tenant_ids() FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_all_tenants() FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_tenant_context() FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_tenant_visible(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_tenant_ids() TO backoffice_app;
GRANT EXECUTE ON FUNCTION backoffice_all_tenants() TO backoffice_app;
GRANT EXECUTE ON FUNCTION backoffice_tenant_context() TO backoffice_app;
GRANT EXECUTE ON FUNCTION backoffice_tenant_visible(uuid) TO backoffice_app;

-- One policy, tenant_isolation, FOR ALL (USING and WITH CHECK) on every base table of the public
-- schema with a "tenantId" column, and on "Tenant" by its "id". A table created later with a
-- "tenantId" runs `SELECT backoffice_enable_tenant_isolation('<Table>')` in its own migration
-- (docs/migrations.md); tests/integration/rls.test.ts fails while any such table has none.
CREATE OR REPLACE FUNCTION backoffice_enable_tenant_isolation(p_table text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  tenant_column text := CASE WHEN p_table = 'Tenant' THEN 'id' ELSE 'tenantId' END;
  nullable boolean;
  rule text;
BEGIN
  SELECT c.is_nullable = 'YES' INTO nullable FROM information_schema.columns c
   WHERE c.table_schema = 'public' AND c.table_name = p_table AND c.column_name = tenant_column;
  IF nullable IS NULL THEN
    RAISE EXCEPTION 'table % has no column %', p_table, tenant_column;
  END IF;
  rule := format('(SELECT backoffice_all_tenants()) OR %I = ANY ((SELECT backoffice_tenant_ids())::uuid[])', tenant_column);
  -- A row of no tenant (a staff member's export of all their tenants, an event about staff) is
  -- nobody's tenant data: any transaction with a tenant set may see it; CASL decides who does.
  -- The audit trail's global chain (staff sign-ins, staff administration) is read only by
  -- all-tenants work (compliance, superadmin, the verifier); it is appended through
  -- backoffice_audit_append(), which runs as the owner.
  IF nullable AND p_table <> 'AuditEvent' THEN
    rule := rule || format(' OR (%I IS NULL AND (SELECT backoffice_tenant_context()))', tenant_column);
  END IF;
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', p_table);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', p_table);
  EXECUTE format('CREATE POLICY tenant_isolation ON %I AS PERMISSIVE FOR ALL TO backoffice_app USING (%s) WITH CHECK (%s)',
    p_table, rule, rule);
END;
$$;
REVOKE ALL ON FUNCTION backoffice_enable_tenant_isolation(text) FROM PUBLIC;

DO $$
DECLARE
  t text;
BEGIN
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
     WHERE c.table_schema = 'public' AND c.column_name = 'tenantId' AND tb.table_type = 'BASE TABLE'
     ORDER BY c.table_name
  LOOP
    PERFORM backoffice_enable_tenant_isolation(t);
  END LOOP;
  PERFORM backoffice_enable_tenant_isolation('Tenant');
END;
$$;

-- The audit append runs as the owner from now on (it was SECURITY INVOKER): a refusal is recorded
-- in the chain of the tenant it concerns, which the refused actor cannot see, and an event of the
-- global chain is appended by work that may not read that chain. It writes exactly one event at
-- the head of the chain it is given, and nothing else (migration 006); its trigger still checks.
ALTER FUNCTION backoffice_audit_append(text, uuid, timestamptz, "ActorType", text, text, text, text, text, "AuditOutcome", text, jsonb, text, text, text, text)
  SECURITY DEFINER SET search_path = public, pg_temp;
