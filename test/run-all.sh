#!/usr/bin/env bash
# The whole test suite, as README's test command runs it (after `npm ci`).
# Starts the real parts the tests need (docker engine, guest image, the real claude
# package), says which real parts this machine has (docker engine, /dev/kvm, chromium),
# runs jest (unit + e2e), stops what it started, and ends with one line
# `N passed, N failed[, N skipped]`.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .tmp
export BB_DOCKERD_PIDFILE="$root/.tmp/dockerd.pid"
trap 'bash test/harness/stop-dockerd.sh' EXIT

# A harness step that fails is reported here; the tests that need it then fail with
# a message saying what is missing.
bash test/harness/host-tools.sh || echo "harness: host tools (git, iproute2, openssl, curl) not installed" >&2
bash test/harness/dockerd.sh || echo "harness: docker engine not available" >&2
docker info >/dev/null 2>&1 && { bash test/harness/guest-image.sh || echo "harness: guest image not built" >&2; }
docker info >/dev/null 2>&1 && { bash test/harness/relay-image.sh || echo "harness: relay image not built" >&2; }
docker info >/dev/null 2>&1 && { bash test/harness/musl-image.sh || echo "harness: musl image not built" >&2; }
bash test/harness/claude-package.sh || echo "harness: claude package not cached" >&2
bash test/harness/chromium.sh || echo "harness: chromium not installed" >&2
# What is real here, once the harness has started it (before the tests' output).
bash test/harness/real-parts.sh

report="$root/.tmp/jest-report.json"
rm -f "$report"
# Every temporary file the tests make (os.tmpdir()) goes in one dir of this run's, removed at
# the end; the e2e scratch dirs under .tmp/ go after each test file (BB_KEEP_TEST_DIRS=1 keeps both).
run_tmp=$(mktemp -d /tmp/bot-bottle-tests.XXXXXX)
chmod 1777 "$run_tmp"  # as /tmp: the tests' other users write there too
trap 'bash test/harness/stop-dockerd.sh; [ "${BB_KEEP_TEST_DIRS:-}" = 1 ] || rm -rf "$run_tmp"' EXIT
TMPDIR="$run_tmp" node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile="$report" "$@"
rc=$?
# Stop what the harness started before the summary, so the summary is the last line.
bash test/harness/stop-dockerd.sh >&2
trap - EXIT
[ "${BB_KEEP_TEST_DIRS:-}" = 1 ] || rm -rf "$run_tmp"
if [ -s "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    const failedSuites = r.numRuntimeErrorTestSuites || 0
    const skipped = r.numPendingTests + r.numTodoTests
    // every failure named once more at the end, where a CI log tail shows it
    for (const f of r.testResults) {
      const rel = f.name.slice(process.cwd().length + 1)
      if (f.status === "failed" && !f.assertionResults.some(a => a.status === "failed")) console.log(`FAILED ${rel}: ${(f.message || "").split("\n").find(l => l.trim()) || "the file did not run"}`)
      for (const a of f.assertionResults) if (a.status === "failed") console.log(`FAILED ${rel} › ${a.fullName}`)
    }
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed` + (skipped ? `, ${skipped} skipped` : ""))
  ' "$report"
else
  echo "0 passed, 1 failed"
  [ $rc -ne 0 ] || rc=1
fi
exit $rc
