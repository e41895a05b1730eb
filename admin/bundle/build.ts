import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { createServices } from '../../src/services.js';
import { createAdminJS } from '../index.js';
import { ensureComponentsBundle, pruneBundles } from './components-bundle.js';
import { generateSigningKey } from '../../src/modules/audit/audit.signing.js';

export interface BundleReport {
  file: string;
  mode: string;
  reused: boolean;
  buildMs: number;
  bytes: number;
  gzipBytes: number;
  pruned: number;
}

/**
 * Builds the admin's front-end components bundle ahead of time (`npm run admin:bundle`, run
 * with NODE_ENV=production when deploying), so a production start never bundles. The admin is
 * assembled exactly as the server assembles it (same resources, same components) over a runtime
 * that is never connected: nothing here touches a database.
 */
export async function buildAdminBundle(mode: string): Promise<BundleReport> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgresql://bundler@127.0.0.1:1/unused' });
  const placeholder = 'bundling-only-placeholder-secret-0123456789abcdef';
  const runtime = createRuntime({
    config,
    secrets: {
      sessionSecret: placeholder,
      jwtSecret: placeholder,
      accountTokenKey: placeholder,
      auditSigningKey: generateSigningKey().privateKey,
    },
    logger: createLogger('silent'),
    appUrl: config.DATABASE_URL!,
    ownerUrl: config.DATABASE_URL!,
  });
  try {
    const admin = createAdminJS(runtime, createServices(runtime));
    const bundle = await ensureComponentsBundle(admin);
    const pruned = await pruneBundles(bundle.file);
    const content = readFileSync(bundle.file);
    return {
      file: relative(process.cwd(), bundle.file),
      mode,
      reused: bundle.reused,
      buildMs: bundle.buildMs,
      bytes: content.length,
      gzipBytes: gzipSync(content).length,
      pruned,
    };
  } finally {
    await runtime.close();
  }
}
