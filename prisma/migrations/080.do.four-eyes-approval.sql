-- Four-eyes approval (src/modules/approvals, docs/adr/0013-four-eyes-approval.md): policies as
-- data (versioned), approval requests with the maker's input and the fingerprint of the state
-- they were made against, and one decision per checker (a unique key: nobody approves twice).
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'EXECUTED', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'FAILED');
CREATE TYPE "ApprovalVerdict" AS ENUM ('APPROVE', 'REJECT');

CREATE TABLE "ApprovalPolicy" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "action" TEXT NOT NULL,
  "description" TEXT,
  "enabled" BOOLEAN NOT NULL DEFAULT false,
  "approverRoles" "StaffRole"[] NOT NULL DEFAULT ARRAY[]::"StaffRole"[],
  "approvalsRequired" INTEGER NOT NULL DEFAULT 1,
  "ttlHours" INTEGER NOT NULL DEFAULT 72,
  "thresholds" JSONB NOT NULL DEFAULT '{}',
  "version" INTEGER NOT NULL DEFAULT 1,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ApprovalPolicy_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "ApprovalPolicy_approvals_check" CHECK ("approvalsRequired" BETWEEN 1 AND 5),
  CONSTRAINT "ApprovalPolicy_ttl_check" CHECK ("ttlHours" BETWEEN 1 AND 720)
);
CREATE UNIQUE INDEX "ApprovalPolicy_action_key" ON "ApprovalPolicy"("action");

CREATE TABLE "ApprovalPolicyVersion" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "policyId" UUID NOT NULL REFERENCES "ApprovalPolicy"("id"),
  "version" INTEGER NOT NULL,
  "snapshot" JSONB NOT NULL,
  "changedByType" "ActorType" NOT NULL,
  "changedById" TEXT NOT NULL,
  "reason" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ApprovalPolicyVersion_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ApprovalPolicyVersion_policyId_version_key" ON "ApprovalPolicyVersion"("policyId", "version");

CREATE TABLE "ApprovalRequest" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenantId" UUID REFERENCES "Tenant"("id"),
  "action" TEXT NOT NULL,
  "policyId" UUID NOT NULL REFERENCES "ApprovalPolicy"("id"),
  "policyVersion" INTEGER NOT NULL,
  "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
  "targetType" TEXT,
  "targetId" TEXT,
  "input" JSONB NOT NULL,
  "preview" JSONB NOT NULL,
  "reason" TEXT NOT NULL,
  "makerType" "ActorType" NOT NULL,
  "makerId" TEXT NOT NULL,
  "makerRole" TEXT NOT NULL,
  "fingerprint" TEXT NOT NULL,
  "approverRoles" "StaffRole"[] NOT NULL,
  "approvalsRequired" INTEGER NOT NULL,
  "approvalsGiven" INTEGER NOT NULL DEFAULT 0,
  "expiresAt" TIMESTAMPTZ(3) NOT NULL,
  "remindedAt" TIMESTAMPTZ(3),
  "decidedAt" TIMESTAMPTZ(3),
  "decidedById" TEXT,
  "resultId" TEXT,
  "failureCode" TEXT,
  "rejectionReason" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id"),
  -- A finished request stays finished: nothing moves it back to PENDING.
  CONSTRAINT "ApprovalRequest_decided_check" CHECK (("status" = 'PENDING') = ("decidedAt" IS NULL))
);
CREATE INDEX "ApprovalRequest_status_expiresAt_idx" ON "ApprovalRequest"("status", "expiresAt");
CREATE INDEX "ApprovalRequest_createdAt_id_idx" ON "ApprovalRequest"("createdAt" DESC, "id" DESC);
CREATE INDEX "ApprovalRequest_makerId_createdAt_idx" ON "ApprovalRequest"("makerId", "createdAt" DESC);
CREATE INDEX "ApprovalRequest_tenantId_createdAt_idx" ON "ApprovalRequest"("tenantId", "createdAt" DESC);

CREATE TABLE "ApprovalDecision" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "requestId" UUID NOT NULL REFERENCES "ApprovalRequest"("id"),
  "checkerId" UUID NOT NULL REFERENCES "StaffUser"("id"),
  "checkerRole" "StaffRole" NOT NULL,
  "verdict" "ApprovalVerdict" NOT NULL,
  "reason" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ApprovalDecision_pkey" PRIMARY KEY ("id")
);
-- One person gives at most one decision on a request, whatever path they take.
CREATE UNIQUE INDEX "ApprovalDecision_requestId_checkerId_key" ON "ApprovalDecision"("requestId", "checkerId");

-- Decisions and policy versions are history: the application may add, never change.
GRANT SELECT, INSERT, UPDATE ON "ApprovalPolicy", "ApprovalRequest" TO backoffice_app;
GRANT SELECT, INSERT ON "ApprovalPolicyVersion", "ApprovalDecision" TO backoffice_app;
REVOKE UPDATE, DELETE, TRUNCATE ON "ApprovalPolicyVersion", "ApprovalDecision" FROM backoffice_app;
REVOKE DELETE, TRUNCATE ON "ApprovalPolicy", "ApprovalRequest" FROM backoffice_app;

-- The guarded actions, off until a superadmin turns each on (a fresh install has one superadmin,
-- and a request nobody else could approve is refused). Version 1 of each is recorded.
INSERT INTO "ApprovalPolicy" ("action", "description", "approverRoles", "approvalsRequired", "ttlHours", "thresholds") VALUES
  ('transaction.adjust', 'An adjustment from the amount of its currency', ARRAY['SUPPORT','SUPERADMIN']::"StaffRole"[], 1, 72,
   '{"EUR":"1000","USD":"1000","GBP":"1000","CHF":"1000","JPY":"150000","BHD":"400","*":"1000"}'),
  ('access.grant', 'Granting or extending a support agent''s access to a tenant', ARRAY['SUPERADMIN']::"StaffRole"[], 1, 48, '{}'),
  ('staff.create', 'Creating a staff member', ARRAY['SUPERADMIN']::"StaffRole"[], 1, 48, '{}'),
  ('staff.role_change', 'Changing a staff member''s role', ARRAY['SUPERADMIN']::"StaffRole"[], 1, 48, '{}'),
  ('user.erasure_cancel', 'Reopening a closed account (cancelling its erasure)', ARRAY['SUPPORT','SUPERADMIN']::"StaffRole"[], 1, 48, '{}'),
  ('export.tenant', 'A tenant-wide data export (the full bundle)', ARRAY['ENGINEER','SUPERADMIN']::"StaffRole"[], 1, 24, '{}'),
  ('feature_flag.kill_switch', 'Turning a feature flag on or off, or its rollout to 100 %', ARRAY['ENGINEER','SUPERADMIN']::"StaffRole"[], 1, 24, '{}');
INSERT INTO "ApprovalPolicyVersion" ("policyId", "version", "snapshot", "changedByType", "changedById", "reason")
  SELECT "id", 1, jsonb_build_object('enabled', "enabled", 'approverRoles', to_jsonb("approverRoles"), 'approvalsRequired',
    "approvalsRequired", 'ttlHours', "ttlHours", 'thresholds', "thresholds"), 'SYSTEM', 'migration:080', 'Initial policy'
  FROM "ApprovalPolicy";
