import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Prisma is used for the client (and `migrate diff` to draft SQL); migrations are SQL files
// applied by postgrator (docs/migrations.md). `engine: 'js'` keeps the CLI free of native
// engines, which cannot be downloaded on these machines.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => Promise.resolve(new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgres://localhost/unused' })),
});
