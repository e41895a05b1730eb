-- Issue 17: retention of the audit trail by month. `npx backoffice audit:archive --before YYYY-MM`
-- (src/modules/audit/audit.archive.ts, runbooks/audit-archival.md) writes the events of every
-- "AuditEvent" partition older than the cut-off to a verifiable archive file (an audit bundle of
-- the chains' archived stretches, each ending at a signed tree head), records here where each chain
-- was cut, and detaches and drops those partitions, in one transaction with an `audit.archive` event.
--
-- Verification then starts each archived chain at the signed head its last archive ended at (its
-- signature with a trusted key, and the Merkle frontier against the signed root, are checked
-- again every run, like an incremental cursor that cannot be skipped): the retained events must
-- link to it, and the archive files verify on their own (`audit:verify --bundle FILE`).

CREATE TABLE "AuditArchive" (
  "id"           bigserial PRIMARY KEY,
  "chainKey"     text        NOT NULL,
  -- The chain's events fromSeq..throughSeq are in the file; fromSeq = 1 or the previous archive's throughSeq + 1.
  "fromSeq"      bigint      NOT NULL,
  "throughSeq"   bigint      NOT NULL,
  -- The signed tree head at throughSeq (its frontier lets the retained chain continue the tree).
  "checkpointId" bigint      NOT NULL REFERENCES "AuditCheckpoint" ("id"),
  "before"       timestamptz NOT NULL,
  "partitions"   text[]      NOT NULL,
  "file"         text        NOT NULL,
  "fileSha256"   text        NOT NULL,
  "archivedAt"   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "AuditArchive_range" CHECK ("fromSeq" >= 1 AND "throughSeq" >= "fromSeq"),
  CONSTRAINT "AuditArchive_sha256" CHECK ("fileSha256" ~ '^[0-9a-f]{64}$'),
  CONSTRAINT "AuditArchive_chain_through_key" UNIQUE ("chainKey", "throughSeq")
);
CREATE INDEX "AuditArchive_chain_latest_idx" ON "AuditArchive" ("chainKey", "throughSeq" DESC);

CREATE TRIGGER "AuditArchive_append_only" BEFORE UPDATE OR DELETE ON "AuditArchive"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditArchive_no_truncate" BEFORE TRUNCATE ON "AuditArchive"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();

-- Verification reads it (as AuditCheckpoint: chain keys and hashes, no tenant data); only the
-- owner writes it (the archive command connects as the owner: it detaches partitions).
REVOKE ALL ON "AuditArchive" FROM backoffice_app;
GRANT SELECT ON "AuditArchive" TO backoffice_app;

-- Detaches and drops the "AuditEvent" partitions that end at or before p_before (the months, and
-- the "_before" edge, which is created again, empty, below the first month kept). p_before must be
-- the start of a month partition. Returns the partitions dropped. Owner only: the archive command
-- calls it after the file is written and the AuditArchive rows are in, in the same transaction.
CREATE OR REPLACE FUNCTION backoffice_drop_audit_partitions_before(p_before timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  v_part record;
BEGIN
  IF p_before IS DISTINCT FROM (date_trunc('month', p_before AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
     OR to_regclass(format('backoffice_partitions.%I', 'AuditEvent_p' || to_char(p_before AT TIME ZONE 'UTC', 'YYYY_MM'))) IS NULL THEN
    RAISE EXCEPTION 'backoffice_drop_audit_partitions_before: % is not the start of an AuditEvent month partition', p_before
      USING ERRCODE = '22023';
  END IF;
  FOR v_part IN
    SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = '"AuditEvent"'::regclass
       AND (c.relname = 'AuditEvent_before'
            OR (c.relname ~ '^AuditEvent_p[0-9]{4}_[0-9]{2}$'
                AND to_date(substr(c.relname, 13), 'YYYY_MM') < (p_before AT TIME ZONE 'UTC')::date))
     ORDER BY 1
  LOOP
    EXECUTE format('ALTER TABLE public."AuditEvent" DETACH PARTITION backoffice_partitions.%I', v_part.name);
    EXECUTE format('DROP TABLE backoffice_partitions.%I', v_part.name);
    RETURN NEXT v_part.name;
  END LOOP;
  EXECUTE format('CREATE TABLE backoffice_partitions."AuditEvent_before" PARTITION OF public."AuditEvent" FOR VALUES FROM (MINVALUE) TO (%L)', p_before);
END;
$$;
REVOKE ALL ON FUNCTION backoffice_drop_audit_partitions_before(timestamptz) FROM PUBLIC;
