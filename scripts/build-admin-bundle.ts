/**
 * `npm run admin:bundle`: builds the AdminJS components bundle ahead of time into
 * admin/bundle/out/ (see admin/bundle/build.ts). The npm script sets NODE_ENV=production, which
 * adminjs reads when it is first imported to choose a minified build.
 */
import { NODE_ENV } from 'adminjs/bundler';
import { buildAdminBundle } from '../admin/bundle/build.js';

const report = await buildAdminBundle(NODE_ENV);
process.stdout.write(
  `admin bundle (${report.mode}): ${report.file}\n` +
    `  ${report.reused ? 'already up to date' : `built in ${report.buildMs} ms`}, ` +
    `${(report.bytes / 1024).toFixed(1)} KiB (${(report.gzipBytes / 1024).toFixed(1)} KiB gzip)` +
    `${report.pruned ? `, removed ${report.pruned} stale bundle(s)` : ''}\n`,
);
