-- The customer lifecycle (issue 14): email verification and change, terms acceptance, consent,
-- and staff TOTP recovery codes.

-- A user's address is verified once they follow a link sent to it. A new address waits in
-- "pendingEmail" until its link is followed; "emailVerificationSentAt" binds the one link that
-- is still valid (a newer request, or a completed verification, invalidates older links).
ALTER TABLE "User"
  ADD COLUMN "emailVerifiedAt" TIMESTAMPTZ(3),
  ADD COLUMN "pendingEmail" TEXT,
  ADD COLUMN "emailVerificationSentAt" TIMESTAMPTZ(3),
  ADD COLUMN "termsVersion" TEXT,
  ADD COLUMN "termsAcceptedAt" TIMESTAMPTZ(3),
  -- The current consent (marketing is opt-in; notifications are on until turned off). Their
  -- history, with time and source, is "ConsentChange".
  ADD COLUMN "marketingConsent" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "notificationsConsent" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "consentUpdatedAt" TIMESTAMPTZ(3);

CREATE TYPE "ConsentPurpose" AS ENUM ('MARKETING', 'NOTIFICATIONS');
CREATE TYPE "ConsentSource" AS ENUM ('REGISTRATION', 'API', 'SUPPORT');

-- Every change of a consent: what, to which value, when and through which door. Append-only.
CREATE TABLE "ConsentChange" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "tenantId" UUID NOT NULL,
  "userId" UUID NOT NULL,
  "purpose" "ConsentPurpose" NOT NULL,
  "granted" BOOLEAN NOT NULL,
  "source" "ConsentSource" NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ConsentChange_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "ConsentChange_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "ConsentChange_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "ConsentChange_userId_createdAt_idx" ON "ConsentChange" ("userId", "createdAt" DESC);
CREATE INDEX "ConsentChange_tenantId_createdAt_idx" ON "ConsentChange" ("tenantId", "createdAt" DESC);
CREATE TRIGGER "ConsentChange_append_only" BEFORE UPDATE OR DELETE ON "ConsentChange"
  FOR EACH ROW EXECUTE FUNCTION backoffice_forbid_mutation();
GRANT SELECT, INSERT ON "ConsentChange" TO backoffice_app;

-- Staff TOTP recovery codes: generated once (all at a time), only their hash kept, each good once.
CREATE TABLE "StaffRecoveryCode" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "staffUserId" UUID NOT NULL,
  "codeHash" TEXT NOT NULL,
  "usedAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "StaffRecoveryCode_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "StaffRecoveryCode_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "StaffUser"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "StaffRecoveryCode_codeHash_key" ON "StaffRecoveryCode" ("codeHash");
CREATE INDEX "StaffRecoveryCode_staffUserId_idx" ON "StaffRecoveryCode" ("staffUserId");
GRANT SELECT, INSERT, UPDATE, DELETE ON "StaffRecoveryCode" TO backoffice_app;
