#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (about 23 s here).
# Playwright's own browser download (`npx playwright install`) cannot reach its servers from
# these machines; the tests drive this chromium through playwright-core instead (see
# test/browser/helpers.ts). Safe to run again: does nothing when /usr/bin/chromium exists.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-chromium: /usr/bin/chromium is missing and this is not root: install it with 'sudo apt-get install chromium'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
echo "setup-chromium: installed $(dpkg-query -W -f='${Package} ${Version}' chromium)"
