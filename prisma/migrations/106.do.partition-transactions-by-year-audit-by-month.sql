-- Issue 17: "Transaction" and "AuditEvent" partitioned by time (native range partitioning on
-- "occurredAt", in UTC: "Transaction" one partition per year, "AuditEvent" one per month), so that
-- the two tables that grow without end stay made of bounded pieces: a period's indexes stay small,
-- list pages ordered by time read the newest partitions first and stop (ordered Append), and old
-- audit months can be archived and detached whole (docs/partitioning.md, runbooks/audit-archival.md).
--
-- Layout
--  * public."Transaction" and public."AuditEvent" are the partitioned parents: every grant, policy
--    (row-level security, migration 100), trigger and index is defined on them and applies to each
--    partition. Queries name only the parents.
--  * The partitions live in the schema backoffice_partitions, on which the application role has no
--    USAGE: it can reach rows only through the parents, so only through their policies.
--  * "Transaction_pYYYY" = [1 January, next 1 January), "AuditEvent_pYYYY_MM" = [first instant of
--    the month, first instant of the next), and two edge partitions per table that take any row
--    outside them: "<Table>_before" (from the earliest time to the first period) and
--    "<Table>_after" (from the end of the last period on), so an insert never fails for want of a
--    partition (the API accepts dates from 1900 to 2199). Range partitions only, no DEFAULT
--    partition: with one PostgreSQL cannot read the partitions in order (a list page would merge
--    every partition instead of reading the newest and stopping).
--  * Why years for transactions: every partition adds to the planning of every query that is not
--    bounded in time (measured: ~1.7 ms per statement at 30 partitions), and a household ledger's
--    year is a modest table. Audit events are archived by month, so they are partitioned by month.
--  * This migration creates the years from 2 back to 1 ahead and the months from 24 back to 3 ahead;
--    backoffice_ensure_partitions() creates more (the partition-ahead job, queue
--    'partition-maintenance', keeps 3 months ahead), moving any rows of a new period out of the
--    edge partition that held them.
--
-- What partitioning changes in the constraints (a unique index of a partitioned table must contain
-- the partition key):
--  * Primary keys become ("id", "occurredAt"). "id" stays unique: uuids from gen_random_uuid() for
--    transactions, the "AuditEvent_id_seq" sequence for audit events; nothing else writes an id.
--  * A recurring rule's transaction of a date is unique on ("recurringRuleId", "recurrenceDate",
--    "occurredAt") together with a check that such a transaction occurs at the first instant of its
--    recurrence date (UTC): the same guarantee as the old ("recurringRuleId", "recurrenceDate").
--  * "AuditEvent" ("chainKey", "seq") uniqueness is kept by the chain itself: the insert trigger
--    (migration 006) admits only seq = head + 1 and advances the head in the same statement, so two
--    events of one chain can never share a seq; the unique index is ("chainKey", "seq", "occurredAt").
--  * The self-reference of an adjustment ("adjustsTransactionId") cannot be a foreign key to a
--    partitioned table without the period; a trigger checks that the adjusted transaction exists, in
--    the same tenant. Transactions are never deleted (append-only), so it cannot later disappear.
--
-- Existing rows are copied into the new tables inside this migration's transaction (what a
-- deployment with a large ledger must plan for: docs/partitioning.md), then the old tables dropped.

CREATE SCHEMA backoffice_partitions;
REVOKE ALL ON SCHEMA backoffice_partitions FROM PUBLIC;

-- The partitioned tables and their period: "Transaction" by year (a year of a household ledger is a
-- modest table, and every partition adds to the planning of each query: a list page is planned
-- over all of them), "AuditEvent" by month (the unit in which old audit is archived). The
-- functions below accept no other table.
CREATE OR REPLACE FUNCTION backoffice_partition_period(p_table text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_table WHEN 'Transaction' THEN 'year' WHEN 'AuditEvent' THEN 'month' END
$$;

-- A period's partition name: "<Table>_pYYYY" (years) or "<Table>_pYYYY_MM" (months).
CREATE OR REPLACE FUNCTION backoffice_partition_name(p_table text, p_start date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_table || '_p' || to_char(p_start, CASE backoffice_partition_period(p_table) WHEN 'year' THEN 'YYYY' ELSE 'YYYY_MM' END)
$$;

-- The first period of p_table's period partitions and the first instant after them (NULLs while
-- it has none), read from the partitions' names.
CREATE OR REPLACE FUNCTION backoffice_partition_span(p_table text, OUT first_start date, OUT end_start date)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT min(m), (max(m) + ('1 ' || backoffice_partition_period(p_table))::interval)::date
    FROM (SELECT to_date(substr(c.relname, length(p_table) + 3),
                         CASE backoffice_partition_period(p_table) WHEN 'year' THEN 'YYYY' ELSE 'YYYY_MM' END) AS m
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = format('public.%I', p_table)::regclass
             AND c.relname ~ ('^' || p_table || '_p[0-9]{4}(_[0-9]{2})?$')) periods
$$;

-- Gives p_table a partition for every period of [p_from, p_to) (period starts) outside the ones it
-- has, taking them from the edge partition that held that range ("_before" = up to the first
-- period, "_after" = from the end of the last). The edge is detached, each new period is filled
-- with the edge's rows of that period (copied unchanged into a table that has none of the
-- parent's triggers, so the audit chain and count triggers do not run again) and attached, the
-- moved rows are removed from the detached edge, and the edge is attached again with its narrower
-- range: in one transaction, a move of rows between partitions, not a change of the ledger.
-- Returns the names of the partitions it created. Runs as the owner; callers take turns.
CREATE OR REPLACE FUNCTION backoffice_split_edge_partition(p_table text, p_edge text, p_from date, p_to date)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '10s' AS $$
DECLARE
  v_edge text := p_table || '_' || p_edge;
  v_step interval := ('1 ' || backoffice_partition_period(p_table))::interval;
  v_start date := p_from;
  v_name text;
  v_lo timestamptz := p_from::timestamp AT TIME ZONE 'UTC';
  v_hi timestamptz := p_to::timestamp AT TIME ZONE 'UTC';
BEGIN
  EXECUTE format('ALTER TABLE public.%I DETACH PARTITION backoffice_partitions.%I', p_table, v_edge);
  WHILE v_start < p_to LOOP
    v_name := backoffice_partition_name(p_table, v_start);
    EXECUTE format('CREATE TABLE backoffice_partitions.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name, p_table);
    EXECUTE format('INSERT INTO backoffice_partitions.%I SELECT * FROM backoffice_partitions.%I WHERE "occurredAt" >= $1 AND "occurredAt" < $2',
      v_name, v_edge) USING v_start::timestamp AT TIME ZONE 'UTC', (v_start + v_step)::timestamp AT TIME ZONE 'UTC';
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION backoffice_partitions.%I FOR VALUES FROM (%L) TO (%L)', p_table, v_name,
      v_start::timestamp AT TIME ZONE 'UTC', (v_start + v_step)::timestamp AT TIME ZONE 'UTC');
    RETURN NEXT v_name;
    v_start := (v_start + v_step)::date;
  END LOOP;
  -- Detached, the edge has none of the parent's triggers: the moved rows can be removed.
  EXECUTE format('DELETE FROM backoffice_partitions.%I WHERE "occurredAt" >= $1 AND "occurredAt" < $2', v_edge) USING v_lo, v_hi;
  IF p_edge = 'before' THEN
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION backoffice_partitions.%I FOR VALUES FROM (MINVALUE) TO (%L)', p_table, v_edge, v_lo);
  ELSE
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION backoffice_partitions.%I FOR VALUES FROM (%L) TO (MAXVALUE)', p_table, v_edge, v_hi);
  END IF;
END;
$$;

-- Ensures p_table (or both tables when NULL) has a partition for every period that meets
-- [p_from, p_to]; returns the names it created (none when all exist: idempotent, and cheap: it
-- reads the catalog). What the partition-ahead job calls (src/modules/partitions) and this
-- migration; the application role may call it: it creates partitions of these two tables and
-- nothing else.
CREATE OR REPLACE FUNCTION backoffice_ensure_partitions(p_from date, p_to date, p_table text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_table text;
  v_period text;
  v_from date;
  v_to date;
  v_first date;
  v_end date;
BEGIN
  IF p_to < p_from OR p_to > p_from + interval '10 years' THEN
    RAISE EXCEPTION 'backoffice_ensure_partitions: % to % is not a range of at most 10 years', p_from, p_to USING ERRCODE = '22023';
  END IF;
  IF p_table IS NOT NULL AND backoffice_partition_period(p_table) IS NULL THEN
    RAISE EXCEPTION 'backoffice_ensure_partitions: % is not partitioned by time', p_table USING ERRCODE = '22023';
  END IF;
  FOREACH v_table IN ARRAY ARRAY['Transaction', 'AuditEvent'] LOOP
    CONTINUE WHEN p_table IS NOT NULL AND v_table <> p_table;
    v_period := backoffice_partition_period(v_table);
    v_from := date_trunc(v_period, p_from)::date;
    v_to := (date_trunc(v_period, p_to) + ('1 ' || v_period)::interval)::date;
    SELECT m.first_start, m.end_start INTO v_first, v_end FROM backoffice_partition_span(v_table) m;
    CONTINUE WHEN v_from >= v_first AND v_to <= v_end;
    PERFORM pg_advisory_xact_lock(hashtextextended('backoffice:partition:' || v_table, 0));
    SELECT m.first_start, m.end_start INTO v_first, v_end FROM backoffice_partition_span(v_table) m;
    IF v_to > v_end THEN
      RETURN QUERY SELECT * FROM backoffice_split_edge_partition(v_table, 'after', v_end, v_to);
    END IF;
    IF v_from < v_first THEN
      RETURN QUERY SELECT * FROM backoffice_split_edge_partition(v_table, 'before', v_from, v_first);
    END IF;
  END LOOP;
END;
$$;

REVOKE ALL ON FUNCTION backoffice_partition_span(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_split_edge_partition(text, text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION backoffice_ensure_partitions(date, date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION backoffice_ensure_partitions(date, date, text) TO backoffice_app;

-- A new partitioned table's first layout, "_before" below and "_after" above: "Transaction" the
-- years from 2 back to 1 ahead, "AuditEvent" the months from 24 back to 3 ahead (this migration only).
CREATE FUNCTION backoffice_create_first_partitions(p_table text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_period text := backoffice_partition_period(p_table);
  v_step interval := ('1 ' || v_period)::interval;
  v_now timestamp := now() AT TIME ZONE 'UTC';
  v_first date := CASE v_period WHEN 'year' THEN date_trunc('year', v_now) - interval '2 years'
                                ELSE date_trunc('month', v_now) - interval '24 months' END;
  v_end date := CASE v_period WHEN 'year' THEN date_trunc('year', v_now) + interval '2 years'
                              ELSE date_trunc('month', v_now) + interval '4 months' END;
  v_start date := v_first;
BEGIN
  EXECUTE format('CREATE TABLE backoffice_partitions.%I PARTITION OF public.%I FOR VALUES FROM (MINVALUE) TO (%L)',
    p_table || '_before', p_table, v_first::timestamp AT TIME ZONE 'UTC');
  WHILE v_start < v_end LOOP
    EXECUTE format('CREATE TABLE backoffice_partitions.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
      backoffice_partition_name(p_table, v_start), p_table,
      v_start::timestamp AT TIME ZONE 'UTC', (v_start + v_step)::timestamp AT TIME ZONE 'UTC');
    v_start := (v_start + v_step)::date;
  END LOOP;
  EXECUTE format('CREATE TABLE backoffice_partitions.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (MAXVALUE)',
    p_table || '_after', p_table, v_end::timestamp AT TIME ZONE 'UTC');
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- "Transaction"
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "Transaction" SET SCHEMA backoffice_partitions;
ALTER TABLE backoffice_partitions."Transaction" RENAME TO "Transaction_unpartitioned";

CREATE TABLE public."Transaction" (
  LIKE backoffice_partitions."Transaction_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
) PARTITION BY RANGE ("occurredAt");
SELECT backoffice_create_first_partitions('Transaction');

-- ---------------------------------------------------------------------------------------------
-- "AuditEvent" (its id sequence stays where it is and keeps counting)
-- ---------------------------------------------------------------------------------------------
ALTER SEQUENCE "AuditEvent_id_seq" OWNED BY NONE;
ALTER TABLE "AuditEvent" SET SCHEMA backoffice_partitions;
ALTER TABLE backoffice_partitions."AuditEvent" RENAME TO "AuditEvent_unpartitioned";

CREATE TABLE public."AuditEvent" (
  LIKE backoffice_partitions."AuditEvent_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
) PARTITION BY RANGE ("occurredAt");
SELECT backoffice_create_first_partitions('AuditEvent');
ALTER SEQUENCE "AuditEvent_id_seq" OWNED BY public."AuditEvent"."id";

DROP FUNCTION backoffice_create_first_partitions(text);

-- The rows, before any trigger exists on the new tables (the audit chain and count triggers must
-- not run again for rows that are only being moved).
INSERT INTO public."Transaction" SELECT * FROM backoffice_partitions."Transaction_unpartitioned";
INSERT INTO public."AuditEvent" SELECT * FROM backoffice_partitions."AuditEvent_unpartitioned";
DROP TABLE backoffice_partitions."Transaction_unpartitioned";
DROP TABLE backoffice_partitions."AuditEvent_unpartitioned";

-- Keys and indexes (every index of the unpartitioned tables, migrations 001, 003, 091, 101).
ALTER TABLE "Transaction" ADD CONSTRAINT "Transaction_pkey" PRIMARY KEY ("id", "occurredAt");
ALTER TABLE "Transaction" ADD CONSTRAINT "Transaction_recurrence_at_its_date"
  CHECK ("recurringRuleId" IS NULL OR "recurrenceDate" IS NULL OR "occurredAt" = ("recurrenceDate"::timestamp AT TIME ZONE 'UTC'));
CREATE UNIQUE INDEX "Transaction_recurringRuleId_recurrenceDate_key" ON "Transaction" ("recurringRuleId", "recurrenceDate", "occurredAt");
CREATE INDEX "Transaction_tenantId_occurredAt_id_idx" ON "Transaction" ("tenantId", "occurredAt" DESC, "id" DESC);
CREATE INDEX "Transaction_occurredAt_id_idx" ON "Transaction" ("occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");
CREATE INDEX "Transaction_accountId_occurredAt_id_idx" ON "Transaction" ("accountId", "occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");
CREATE INDEX "Transaction_adjustsTransactionId_idx" ON "Transaction" ("adjustsTransactionId") WHERE "adjustsTransactionId" IS NOT NULL;
CREATE INDEX "Transaction_categoryId_idx" ON "Transaction" ("categoryId") WHERE "categoryId" IS NOT NULL;
CREATE INDEX "Transaction_description_trgm_idx" ON "Transaction" USING gin ("description" gin_trgm_ops);
CREATE INDEX "Transaction_tenantId_amount_id_idx" ON "Transaction" ("tenantId", "amount", "id");
CREATE INDEX "Transaction_amount_id_idx" ON "Transaction" ("amount", "id") INCLUDE ("tenantId");

ALTER TABLE "Transaction"
  ADD CONSTRAINT "Transaction_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON UPDATE CASCADE ON DELETE RESTRICT,
  ADD CONSTRAINT "Transaction_recurringRuleId_fkey" FOREIGN KEY ("recurringRuleId") REFERENCES "RecurringRule"("id") ON UPDATE CASCADE ON DELETE SET NULL,
  ADD CONSTRAINT "Transaction_tenant_account_fkey" FOREIGN KEY ("tenantId", "accountId") REFERENCES "Account"("tenantId", "id"),
  ADD CONSTRAINT "Transaction_tenant_category_fkey" FOREIGN KEY ("tenantId", "categoryId") REFERENCES "Category"("tenantId", "id");

ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id", "occurredAt");
CREATE UNIQUE INDEX "AuditEvent_chainKey_seq_key" ON "AuditEvent" ("chainKey", "seq", "occurredAt");
CREATE INDEX "AuditEvent_tenantId_occurredAt_idx" ON "AuditEvent" ("tenantId", "occurredAt" DESC);
CREATE INDEX "AuditEvent_actorId_occurredAt_idx" ON "AuditEvent" ("actorId", "occurredAt" DESC);
CREATE INDEX "AuditEvent_action_occurredAt_idx" ON "AuditEvent" ("action", "occurredAt" DESC);
CREATE INDEX "AuditEvent_occurredAt_id_idx" ON "AuditEvent" ("occurredAt" DESC, "id" DESC) INCLUDE ("tenantId");

-- An adjustment refers to a transaction of its own tenant that exists (the foreign key it had).
CREATE OR REPLACE FUNCTION backoffice_transaction_adjusts_exists() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW."adjustsTransactionId" IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM "Transaction" t WHERE t."id" = NEW."adjustsTransactionId" AND t."tenantId" = NEW."tenantId") THEN
    RAISE EXCEPTION 'insert on "Transaction" violates the adjustment reference: transaction % does not exist in the tenant',
      NEW."adjustsTransactionId" USING ERRCODE = '23503', CONSTRAINT = 'Transaction_adjustsTransactionId_fkey';
  END IF;
  RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION backoffice_transaction_adjusts_exists() FROM PUBLIC;

-- Triggers (migrations 002, 004, 006, 092), now on the parents and so on every partition.
CREATE TRIGGER "Transaction_append_only" BEFORE UPDATE OR DELETE ON "Transaction"
  FOR EACH ROW EXECUTE FUNCTION backoffice_transaction_guard();
CREATE TRIGGER "Transaction_no_truncate" BEFORE TRUNCATE ON "Transaction"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "Transaction_adjusts_exists" BEFORE INSERT ON "Transaction"
  FOR EACH ROW WHEN (NEW."adjustsTransactionId" IS NOT NULL) EXECUTE FUNCTION backoffice_transaction_adjusts_exists();
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION backoffice_forbid_mutation();
CREATE TRIGGER "AuditEvent_extend_chain" BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_audit_extend_chain();
CREATE TRIGGER "AuditEvent_count" AFTER INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION backoffice_audit_count_event();

-- Grants (append-only for the application) and row-level security (migration 100).
REVOKE ALL ON "Transaction", "AuditEvent" FROM backoffice_app;
GRANT SELECT, INSERT ON "Transaction", "AuditEvent" TO backoffice_app;
SELECT backoffice_enable_tenant_isolation('Transaction');
SELECT backoffice_enable_tenant_isolation('AuditEvent');

ANALYZE "Transaction";
ANALYZE "AuditEvent";
