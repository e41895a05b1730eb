#!/usr/bin/env bash
# npm run security:sqlmap — sqlmap (Debian package) at --level 3 --risk 2 against every operation of
# the public API, with a valid token, on a server started here on 127.0.0.1 over a dedicated
# embedded PostgreSQL. The result is recorded in docs/security.md; exit 1 if any injection point
# is found or any operation could not be tested.
#
#   npm run security:sqlmap                         every operation
#   npm run security:sqlmap -- --only accounts      operations whose path contains "accounts"
#   npm run security:sqlmap -- --no-record          do not write docs/security.md
set -euo pipefail
cd "$(dirname "$0")/.."

SQLMAP="${SQLMAP:-$(command -v sqlmap || true)}"
if [ -z "$SQLMAP" ] || [ ! -x "$SQLMAP" ]; then
  echo "sqlmap is not installed: apt-get install -y sqlmap" >&2
  exit 2
fi
export SQLMAP
exec node --import tsx scripts/sqlmap.ts "$@"
