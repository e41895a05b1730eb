-- The principal check of every authenticated API request (the user's and tenant's status and
-- whether the token's refresh family was revoked) as one SECURITY DEFINER function: it runs as
-- the owner, so it needs no tenant set, no transaction of its own and no settings — one statement
-- where a lone read under row-level security costs five (BEGIN, two settings, the read, COMMIT).
-- It is the check a user's ability is built from (a verified token names the user), so it is
-- all-tenants by definition (ADR 0011, named exceptions); it returns these six fields of the one
-- user it is given and nothing else. Callers reach it through functionPoolOf() (src/db/session.ts),
-- a pool with no tenant set, on which every tenant table shows no row.
CREATE OR REPLACE FUNCTION backoffice_api_principal(p_user uuid, p_family uuid)
RETURNS TABLE ("status" text, "role" text, "locale" text, "tenantId" text, "tenantStatus" text, "familyRevoked" boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u."status"::text, u."role"::text, u."locale", u."tenantId"::text, t."status"::text,
         EXISTS (SELECT 1 FROM "RefreshToken" r WHERE r."familyId" = p_family AND r."revokedAt" IS NOT NULL)
    FROM "User" u JOIN "Tenant" t ON t."id" = u."tenantId"
   WHERE u."id" = p_user
$$;
REVOKE ALL ON FUNCTION backoffice_api_principal(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_api_principal(uuid, uuid) TO backoffice_app;
