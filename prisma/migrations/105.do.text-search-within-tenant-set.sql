-- Issue 17: text filters of all-tenants staff answered from the trigram indexes of migration 091.
-- Under row-level security PostgreSQL evaluates a policy's condition before a query's own unless
-- the query's operator is LEAKPROOF, and ILIKE (~~*, which gin_trgm_ops serves) is not: on a table
-- with a policy the trigram index can never be an index condition, and a superadmin's
-- description filter walked 2M transactions in list order (0.6-3.3 s). This function runs as the
-- owner (no policy applies to it), bounds itself to the caller's tenant set exactly as the policy
-- does (backoffice_tenant_visible, migration 100), and returns the ids of at most p_limit rows
-- whose column contains p_needle, case-insensitively and literally (% _ and \ are escaped). Only
-- the (table, column) pairs below, each served by a trigram index, are accepted. The caller then
-- reads the rows by id through the policies as before (src/modules/admin-records).
CREATE OR REPLACE FUNCTION backoffice_text_matches(p_table text, p_column text, p_needle text, p_limit int)
RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  tenant_column text;
  ids uuid[];
BEGIN
  IF (p_table, p_column) NOT IN (('Transaction', 'description'), ('User', 'email'), ('User', 'name'), ('Tenant', 'name')) THEN
    RAISE EXCEPTION 'backoffice_text_matches: %.% is not searchable', p_table, p_column USING ERRCODE = '22023';
  END IF;
  IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
    RAISE EXCEPTION 'backoffice_text_matches: limit % out of range', p_limit USING ERRCODE = '22023';
  END IF;
  tenant_column := CASE WHEN p_table = 'Tenant' THEN 'id' ELSE 'tenantId' END;
  EXECUTE format(
    'SELECT coalesce(array_agg(m.id), ''{}'') FROM (SELECT t."id" FROM %I t WHERE t.%I ILIKE $1 AND backoffice_tenant_visible(t.%I) LIMIT $2) m',
    p_table, p_column, tenant_column)
    INTO ids
    USING '%' || replace(replace(replace(p_needle, '\', '\\'), '%', '\%'), '_', '\_') || '%', p_limit;
  RETURN ids;
END;
$$;

REVOKE ALL ON FUNCTION backoffice_text_matches(text, text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_text_matches(text, text, text, int) TO backoffice_app;
