-- A TOTP code is accepted once: the last time step used is remembered per staff member
-- (RFC 6238 §5.2), and a code of that step or an earlier one is refused afterwards.
ALTER TABLE "StaffUser" ADD COLUMN "totpLastStep" BIGINT;
