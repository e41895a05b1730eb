import type { Command } from 'commander';
import { cliContext } from '../system-context.js';
import { withServices } from '../shared.js';

/** staff:totp — turn a staff member's TOTP second factor on (prints the secret once) or off. */
export function registerStaffTotpCommand(program: Command): void {
  program
    .command('staff:totp')
    .description("turn on a staff member's TOTP second factor (prints the secret and otpauth URI once), or off with --disable")
    .requiredOption('--email <email>', "the staff member's login email")
    .option('--disable', 'turn the second factor off')
    .option('--recovery-codes', 'replace the recovery codes (prints the new ones once; the old ones stop working)')
    .option('--reason <text>', 'why (required with --disable)')
    .action(async (opts: { email: string; disable?: boolean; reason?: string; recoveryCodes?: boolean }) => {
      await withServices(async ({ services }) => {
        const ctx = cliContext('staff:totp');
        const staffUserId = await services.staffAuth.requireStaffIdByEmail(ctx, opts.email);
        if (opts.disable) {
          await services.staffAuth.disableTotp(ctx, { staffUserId, reason: opts.reason ?? '' });
          console.log('TOTP turned off: the password alone signs this staff member in.');
          return;
        }
        if (opts.recoveryCodes) {
          const codes = await services.staffAuth.regenerateRecoveryCodes(ctx, { staffUserId });
          console.log('New recovery codes (shown once; each works once in place of a TOTP code):');
          for (const code of codes) console.log(`  ${code}`);
          return;
        }
        const { secret, uri, recoveryCodes } = await services.staffAuth.enrollTotp(ctx, { staffUserId });
        console.log("TOTP turned on. Add this to the staff member's authenticator app (shown once):");
        console.log(`  secret: ${secret}`);
        console.log(`  uri:    ${uri}`);
        console.log('Recovery codes (shown once; each works once in place of a TOTP code):');
        for (const code of recoveryCodes) console.log(`  ${code}`);
      });
    });
}
