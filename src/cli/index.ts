import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { start, loadConfigOrExit, type Started } from '../bootstrap.js';
import { openDatabase } from '../db/bootstrap.js';
import { AppError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { seedDemo, grantDemoSupport } from '../modules/seed/demo-seed.js';
import { cliContext } from './system-context.js';
import { ZodError } from 'zod';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};
const collect = (value: string, previous: string[]) => [...previous, value];

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs a command with the database and services, always closing them (and the embedded server). */
async function withServices<T>(fn: (s: Started) => Promise<T>): Promise<T> {
  const started = await start({ logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    return await fn(started);
  } finally {
    await started.shutdown();
  }
}

function report(err: unknown): never {
  if (err instanceof AppError) {
    const details = err.details.map((d) => ` ${d.field}: ${d.message}`).join(';');
    process.stderr.write(`Error: ${err.code}${details ? ` —${details}` : ''}\n`);
  } else if (err instanceof ZodError) {
    for (const issue of err.issues) process.stderr.write(`Error: ${issue.path.join('.') || 'input'}: ${issue.message}\n`);
  } else {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
}

export function buildCli(): Command {
  const program = new Command('backoffice').description('Finance back office operations').showHelpAfterError();

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfigOrExit();
      const db = await openDatabase(config, { migrate: false });
      try {
        const { migrate } = await import('../db/migrate.js');
        const result = await migrate(db.ownerUrl, db.appUrl);
        console.log(result.applied.length ? `Applied: ${result.applied.join(', ')}` : 'Nothing to apply.');
        console.log(`Database at version ${result.version}.`);
      } finally {
        await db.stop();
      }
    });

  program
    .command('seed')
    .description('load demo data (bulk, fast)')
    .requiredOption('--demo', 'load demo tenants, users, accounts and transactions')
    .option('--tenants <n>', 'tenants to create', positiveInt, 5)
    .option('--transactions <m>', 'transactions to create', positiveInt, 5_000)
    .action(async (opts: { tenants: number; transactions: number }) => {
      if (loadConfigOrExit().NODE_ENV === 'production') report(new Error('seed --demo is refused when NODE_ENV=production'));
      await withServices(async ({ runtime, services }) => {
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {percentage}% | {value}/{total} | {duration}s' }, cliProgress.Presets.shades_classic)
          : undefined;
        let phase = '';
        const result = await seedDemo(
          { pool: runtime.pool, prisma: runtime.prisma, services },
          {
            tenants: opts.tenants,
            transactions: opts.transactions,
            onProgress: (p, done, total) => {
              if (!bar) return;
              if (p !== phase) {
                if (phase) bar.stop();
                phase = p;
                bar.start(total, done, { phase: p.padEnd(12) });
              } else bar.update(done);
            },
          },
        );
        bar?.stop();
        await grantDemoSupport(runtime.prisma, services);
        console.log(
          `Seeded ${result.tenants} tenants, ${result.users} users, ${result.accounts} accounts, ${result.transactions} transactions in ${result.seconds.toFixed(1)} s.`,
        );
      });
    });

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
    .action(async (opts: { email: string; role: string; tenant: string[]; name?: string; grantDays: number }) => {
      const password = await readStdin();
      await withServices(async ({ services }) => {
        const ctx = cliContext('staff:create');
        const tenantIds = [];
        for (const slug of opts.tenant) tenantIds.push((await services.tenants.requireBySlug(ctx, slug)).id);
        const staff = await services.staff.create(ctx, {
          email: opts.email,
          name: opts.name,
          role: opts.role.toUpperCase() as 'SUPPORT',
          password,
          grantTenantIds: tenantIds,
          grantDays: opts.grantDays,
        });
        console.log(`Created ${staff.role} staff user ${staff.id}${tenantIds.length ? ` with ${tenantIds.length} tenant grant(s)` : ''}.`);
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

  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    report(err);
  }
}
