-- Issue 17: the idempotency key of a write is claimed in ONE round trip. The claim used to be two
-- statements (SET LOCAL lock_timeout, then the INSERT ... ON CONFLICT); the function sets the
-- transaction-local lock_timeout and claims in the same call. Same semantics as before
-- (src/modules/idempotency/idempotency.repository.ts): a concurrent claim of the same key blocks
-- on the unique index until the holder's transaction ends, at most p_wait_ms (then lock_timeout,
-- 55P03); a key past its retention is taken over. Returns the claimed key's id, or NULL when an
-- earlier request holds the key. SECURITY INVOKER: it runs as the caller, under the caller's
-- tenant set, like the statements it replaces.
CREATE OR REPLACE FUNCTION backoffice_idempotency_claim(
  p_tenant_id uuid, p_user_id uuid, p_key text, p_method text, p_path text, p_fingerprint text,
  p_ttl_hours int, p_retain_days int, p_wait_ms int)
RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  claimed text;
BEGIN
  PERFORM set_config('lock_timeout', greatest(1, p_wait_ms)::text || 'ms', true);
  INSERT INTO public."IdempotencyKey" AS k ("tenantId", "userId", "key", "method", "path", "fingerprint", "status", "expiresAt", "retainUntil")
  VALUES (p_tenant_id, p_user_id, p_key, p_method, p_path, p_fingerprint, 'IN_PROGRESS',
          now() + make_interval(hours => p_ttl_hours), now() + make_interval(hours => p_ttl_hours, days => p_retain_days))
  ON CONFLICT ("userId", "key") DO UPDATE
    SET "tenantId" = EXCLUDED."tenantId", "method" = EXCLUDED."method", "path" = EXCLUDED."path",
        "fingerprint" = EXCLUDED."fingerprint", "status" = EXCLUDED."status", "responseStatus" = NULL,
        "responseText" = NULL, "createdAt" = now(), "expiresAt" = EXCLUDED."expiresAt", "retainUntil" = EXCLUDED."retainUntil"
    WHERE k."retainUntil" <= now()
  RETURNING k."id"::text INTO claimed;
  RETURN claimed;
END;
$$;

REVOKE ALL ON FUNCTION backoffice_idempotency_claim(uuid, uuid, text, text, text, text, int, int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_idempotency_claim(uuid, uuid, text, text, text, text, int, int, int) TO backoffice_app;
