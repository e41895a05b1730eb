-- Row-level security (100) binds the application role, but a SECURITY DEFINER function runs as
-- the owner, whom the policies do not bind. backoffice_erase_transaction_text() (004) clears
-- descriptions within one user's tenant, found from the user; it now also refuses a user whose
-- tenant is not in the calling transaction's tenant set, so that it is bounded by the database
-- like every other statement of the application (ADR 0011). Otherwise unchanged.
CREATE OR REPLACE FUNCTION backoffice_erase_transaction_text(p_user uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  u record;
  tenant_status text;
  needles text[];
  cleared bigint;
BEGIN
  SELECT "id", "tenantId", "email", "name", "phone", "role"::text AS role, "status"::text AS status,
         "erasureDueAt", "erasedAt"
    INTO u FROM "User" WHERE "id" = p_user FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'user % does not exist', p_user USING ERRCODE = 'BO002';
  END IF;
  -- SECURITY DEFINER runs as the owner, whom the policies do not bind: bound it by hand to the
  -- calling transaction's tenant set (the erasure job's is the user's tenant).
  IF NOT backoffice_tenant_visible(u."tenantId") THEN
    RAISE EXCEPTION 'user % is not in this transaction''s tenants', p_user USING ERRCODE = '42501';
  END IF;
  IF u.status <> 'CLOSED' OR u."erasureDueAt" IS NULL OR u."erasureDueAt" > now() OR u."erasedAt" IS NOT NULL THEN
    RAISE EXCEPTION 'user % is not due for erasure', p_user USING ERRCODE = 'BO002';
  END IF;
  SELECT "status"::text INTO tenant_status FROM "Tenant" WHERE "id" = u."tenantId";

  PERFORM set_config('backoffice.erasing_transaction_text', 'on', true);
  IF u.role = 'OWNER' AND tenant_status = 'CLOSED' THEN
    UPDATE "Transaction" SET "description" = NULL
     WHERE "tenantId" = u."tenantId" AND "description" IS NOT NULL;
  ELSE
    needles := array_remove(ARRAY[
      lower(u."email"),
      lower(split_part(u."email", '@', 1)),
      lower(u."name"),
      lower(u."phone")
    ], NULL);
    UPDATE "Transaction" t SET "description" = NULL
     WHERE t."tenantId" = u."tenantId" AND t."description" IS NOT NULL
       AND EXISTS (SELECT 1 FROM unnest(needles) AS n(v)
                    WHERE length(n.v) >= 3 AND strpos(lower(t."description"), n.v) > 0);
  END IF;
  GET DIAGNOSTICS cleared = ROW_COUNT;
  PERFORM set_config('backoffice.erasing_transaction_text', 'off', true);
  RETURN cleared;
END;
$$;

