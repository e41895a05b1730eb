-- Data-subject erasure (docs/jobs.md, runbooks/data-subject-requests.md) and the development mailbox.

-- 1. An erasure request schedules the erasure explicitly: a user CLOSED for another reason (a
--    support edit, say) is never erased by accident.
ALTER TABLE "User" ADD COLUMN "erasureDueAt" TIMESTAMPTZ(3);
CREATE INDEX "User_erasureDueAt_idx" ON "User" ("erasureDueAt");

-- 2. The mailbox is searched by address (erasure removes a person's mail) and listed newest first.
CREATE INDEX "MailMessage_to_idx" ON "MailMessage" ("to");
CREATE INDEX "MailMessage_createdAt_idx" ON "MailMessage" ("createdAt" DESC);

-- 3. Transaction descriptions are free text a person typed, and may name them. Transactions stay
--    append-only; the ONE exception is this: inside backoffice_erase_transaction_text() (below),
--    and only there, a description may be set to NULL, with every other column unchanged.
--    * the application role still has no UPDATE privilege on "Transaction" at all (migration 002);
--    * the guard below refuses every UPDATE unless the erasure flag is on for the transaction AND
--      the row's only change is description -> NULL; DELETE and TRUNCATE stay refused for everyone;
--    * the function itself checks that the user asked for erasure and that the grace period is over.
CREATE OR REPLACE FUNCTION backoffice_transaction_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('backoffice.erasing_transaction_text', true) = 'on'
     AND NEW."description" IS NULL
     AND (to_jsonb(NEW) - 'description') = (to_jsonb(OLD) - 'description') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on "%" is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'BO001',
          HINT = 'Financial records and audit events are corrected by appending, never by changing.';
END;
$$;

DROP TRIGGER "Transaction_append_only" ON "Transaction";
CREATE TRIGGER "Transaction_append_only" BEFORE UPDATE OR DELETE ON "Transaction"
  FOR EACH ROW EXECUTE FUNCTION backoffice_transaction_guard();

-- Erases the free text of a user's financial records once their erasure is due. Amounts, dates,
-- accounts and categories are retained (record-keeping duties); only descriptions are cleared:
--  * the owner of a CLOSED tenant: every description of the tenant (the whole household is gone);
--  * otherwise (a member): descriptions that contain the member's email, email name or full name.
-- Returns the number of descriptions cleared.
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

REVOKE ALL ON FUNCTION backoffice_erase_transaction_text(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_erase_transaction_text(uuid) TO backoffice_app;
