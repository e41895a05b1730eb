-- The audit chain's rules enforced by PostgreSQL itself (docs/audit.md):
--  * an event can only be appended at the head of its chain: seq = head + 1, prevHash = head hash;
--    the head moves with it, in the same statement, and in no other way;
--  * the application role can no longer write AuditChainHead directly: it locks the head (SELECT
--    ... FOR UPDATE, or backoffice_audit_lock_head() which also creates it at genesis) and the
--    INSERT trigger advances it;
--  * value checks on the chain columns.
-- None of this replaces verification (a superuser can disable triggers); it keeps the application
-- role, and bugs, from forking or rewinding a chain.

ALTER TABLE "AuditEvent"
  ADD CONSTRAINT "AuditEvent_chain_key_matches_tenant" CHECK ("chainKey" = COALESCE('tenant:' || "tenantId"::text, 'global')),
  ADD CONSTRAINT "AuditEvent_seq_positive" CHECK ("seq" > 0),
  ADD CONSTRAINT "AuditEvent_hash_format" CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "prevHash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "AuditCheckpoint"
  ADD CONSTRAINT "AuditCheckpoint_seq_positive" CHECK ("seq" > 0),
  ADD CONSTRAINT "AuditCheckpoint_format" CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "signature" ~ '^[0-9a-f]{64}$');

-- Locks a chain's head for the calling transaction (creating it at genesis) and returns it.
CREATE OR REPLACE FUNCTION backoffice_audit_lock_head(p_chain_key text)
RETURNS TABLE ("seq" bigint, "hash" text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT h."seq", h."hash" FROM "AuditChainHead" h WHERE h."chainKey" = p_chain_key FOR UPDATE;
  IF FOUND THEN RETURN; END IF;
  INSERT INTO "AuditChainHead" ("chainKey", "seq", "hash") VALUES (p_chain_key, 0, repeat('0', 64))
    ON CONFLICT ("chainKey") DO NOTHING;
  RETURN QUERY SELECT h."seq", h."hash" FROM "AuditChainHead" h WHERE h."chainKey" = p_chain_key FOR UPDATE;
END;
$$;

-- Appends one event to its chain (what audit.record() calls, one round trip): locks the head,
-- takes seq = head + 1 and prevHash = head hash, and computes the event hash as
-- SHA-256('{"contentDigest":"<d>","prevHash":"<p>","seq":"<n>"}') — the twin of chainHash() in
-- src/modules/audit/audit.hash.ts. plpgsql keeps the INSERT's plan between calls, which halves
-- PostgreSQL's work per event compared with sending the statement each time (bench/audit.ts).
-- SECURITY INVOKER: it runs with the application's own rights; the trigger below still checks.
CREATE OR REPLACE FUNCTION backoffice_audit_append(
  p_chain_key text, p_tenant_id uuid, p_occurred_at timestamptz, p_actor_type "ActorType", p_actor_id text,
  p_actor_role text, p_action text, p_resource text, p_record_id text, p_outcome "AuditOutcome", p_reason text,
  p_diff jsonb, p_ip text, p_user_agent text, p_correlation_id text, p_content_digest text)
RETURNS TABLE ("id" bigint, "seq" bigint, "hash" text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  head_seq bigint;
  head_hash text;
  new_id bigint;
BEGIN
  SELECT h."seq", h."hash" INTO head_seq, head_hash FROM public."AuditChainHead" h WHERE h."chainKey" = p_chain_key FOR UPDATE;
  IF NOT FOUND THEN
    SELECT l."seq", l."hash" INTO head_seq, head_hash FROM public.backoffice_audit_lock_head(p_chain_key) l;
  END IF;
  "seq" := head_seq + 1;
  "hash" := encode(sha256(convert_to('{"contentDigest":"' || p_content_digest || '","prevHash":"' || head_hash || '","seq":"' || "seq"::text || '"}', 'UTF8')), 'hex');
  INSERT INTO public."AuditEvent" ("chainKey", "seq", "tenantId", "occurredAt", "actorType", "actorId", "actorRole", "action",
    "resource", "recordId", "outcome", "reason", "diff", "ip", "userAgent", "correlationId", "prevHash", "hash")
  VALUES (p_chain_key, "seq", p_tenant_id, p_occurred_at, p_actor_type, p_actor_id, p_actor_role, p_action,
    p_resource, p_record_id, p_outcome, p_reason, p_diff, p_ip, p_user_agent, p_correlation_id, head_hash, "hash")
  RETURNING "AuditEvent"."id" INTO new_id;
  "id" := new_id;
  RETURN NEXT;
END;
$$;

-- Every inserted event must extend its chain's head; the head advances with it.
CREATE OR REPLACE FUNCTION backoffice_audit_extend_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE "AuditChainHead" SET "seq" = NEW."seq", "hash" = NEW."hash", "updatedAt" = now()
   WHERE "chainKey" = NEW."chainKey" AND "seq" = NEW."seq" - 1 AND "hash" = NEW."prevHash";
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit event (chain %, seq %) does not extend the head of its chain', NEW."chainKey", NEW."seq"
      USING ERRCODE = 'BO002', HINT = 'Audit events are appended through audit.record(), which locks the chain head.';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "AuditEvent_extend_chain" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_audit_extend_chain();

-- The head moves one step at a time, and only from the trigger above.
CREATE OR REPLACE FUNCTION backoffice_audit_guard_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 OR NEW."chainKey" <> OLD."chainKey" OR NEW."seq" <> OLD."seq" + 1 THEN
    RAISE EXCEPTION 'AuditChainHead only advances with an appended audit event' USING ERRCODE = 'BO001';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "AuditChainHead_advance_only" BEFORE UPDATE ON "AuditChainHead"
  FOR EACH ROW EXECUTE FUNCTION backoffice_audit_guard_head();
CREATE TRIGGER "AuditChainHead_no_delete" BEFORE DELETE ON "AuditChainHead"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditChainHead_no_truncate" BEFORE TRUNCATE ON "AuditChainHead"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();

-- Grants: the application reads and locks heads (SELECT ... FOR UPDATE needs an UPDATE privilege
-- on one column; the trigger above refuses any direct UPDATE) and creates them at genesis through
-- the function; nothing more.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "AuditChainHead" FROM backoffice_app;
GRANT UPDATE ("updatedAt") ON "AuditChainHead" TO backoffice_app;
REVOKE ALL ON FUNCTION backoffice_audit_lock_head(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_audit_lock_head(text) TO backoffice_app;
REVOKE ALL ON FUNCTION backoffice_audit_extend_chain() FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_audit_append(text, uuid, timestamptz, "ActorType", text, text, text, text, text, "AuditOutcome", text, jsonb, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_audit_append(text, uuid, timestamptz, "ActorType", text, text, text, text, text, "AuditOutcome", text, jsonb, text, text, text, text) TO backoffice_app;
