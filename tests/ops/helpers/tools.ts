import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/**
 * The path of a Debian tool the ops tests need (promtool, redis-server). `.ci/run` installs them;
 * a missing tool fails the test with the package to install — it never skips silently.
 */
export function requireTool(binary: string, debianPackage: string): string {
  for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/sbin']) {
    if (existsSync(`${dir}/${binary}`)) return `${dir}/${binary}`;
  }
  const which = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(`${binary} is not installed: apt-get install -y ${debianPackage} (.ci/run does this)`);
}
