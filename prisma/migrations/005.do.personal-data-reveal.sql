-- Personal-data reveals: a staff member states a reason to see one record's personal data
-- unmasked for 15 minutes (SPEC §3, COMPLIANCE). Each reveal is also an audit event; the rows are
-- what the masking reads, so they are append-only for the application role.
CREATE TABLE "PersonalDataReveal" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "staffUserId" UUID NOT NULL,
    "tenantId" UUID,
    "resource" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PersonalDataReveal_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PersonalDataReveal_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "StaffUser"("id"),
    CONSTRAINT "PersonalDataReveal_reason_present" CHECK (length(trim("reason")) >= 3),
    CONSTRAINT "PersonalDataReveal_expiry_after_creation" CHECK ("expiresAt" > "createdAt")
);

CREATE INDEX "PersonalDataReveal_staffUserId_resource_recordId_expiresAt_idx"
    ON "PersonalDataReveal"("staffUserId", "resource", "recordId", "expiresAt" DESC);

GRANT SELECT, INSERT ON "PersonalDataReveal" TO backoffice_app;
