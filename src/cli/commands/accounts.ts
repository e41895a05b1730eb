import type { Command } from 'commander';
import { cliContext } from '../system-context.js';
import { operatorContext } from '../operator.js';
import { AS_OPTION, collect, positiveInt, readStdin, withServices } from '../shared.js';

/** tenant:create, staff:create and user:create (SPEC §5). */
export function registerAccountCommands(program: Command): void {
  program
    .command('tenant:create')
    .description('create a tenant')
    .requiredOption('--slug <slug>', 'unique slug (lowercase, digits, dashes)')
    .requiredOption('--name <name>', 'display name')
    .option('--currency <code>', 'base currency (ISO 4217)', 'EUR')
    .action(async (opts: { slug: string; name: string; currency: string }) => {
      await withServices(async ({ services }) => {
        const tenant = await services.tenants.create(cliContext('tenant:create'), {
          slug: opts.slug,
          name: opts.name,
          baseCurrency: opts.currency as 'EUR',
        });
        console.log(`Created tenant ${tenant.slug} (${tenant.id}).`);
      });
    });

  program
    .command('staff:create')
    .description('create a staff user; for SUPPORT each --tenant creates an access grant')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--role <role>', 'SUPERADMIN | SUPPORT | COMPLIANCE | ENGINEER')
    .option('--tenant <slug>', 'tenant to grant access to (repeatable)', collect, [] as string[])
    .option('--name <name>', 'display name')
    .option('--grant-days <days>', 'days until the grants expire', positiveInt, 30)
    .requiredOption('--password-stdin', 'read the password from standard input')
    .option(...AS_OPTION)
    .action(async (opts: { email: string; role: string; tenant: string[]; name?: string; grantDays: number; as?: string }) => {
      const password = await readStdin();
      await withServices(async ({ services }) => {
        // Four-eyes (ADR 0013): with the staff.create policy on, only a named maker (--as) may ask.
        const ctx = await operatorContext(services, 'staff:create', opts.as);
        const tenantIds: string[] = [];
        for (const slug of opts.tenant) tenantIds.push((await services.tenants.requireBySlug(ctx, slug)).id);
        const staff = await services.staff.create(ctx, {
          email: opts.email,
          name: opts.name,
          role: opts.role.toUpperCase() as 'SUPPORT',
          password,
          grantTenantIds: tenantIds,
          grantDays: opts.grantDays,
        });
        console.log(
          `Created ${staff.role} staff user ${staff.id}${tenantIds.length ? ` with ${tenantIds.length} tenant grant(s)` : ''}.`,
        );
      });
    });

  program
    .command('user:create')
    .description("create a tenant's API user")
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--email <email>', 'login email')
    .option('--name <name>', 'display name')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .action(async (opts: { tenant: string; email: string; name?: string }) => {
      const password = await readStdin();
      await withServices(async ({ services }) => {
        const ctx = cliContext('user:create');
        const tenant = await services.tenants.requireBySlug(ctx, opts.tenant);
        const user = await services.users.create(ctx, { tenantId: tenant.id, email: opts.email, name: opts.name, password });
        console.log(`Created ${user.role} user ${user.id} in tenant ${tenant.slug}.`);
      });
    });
}
