#!/usr/bin/env bash
# Sets up and runs every test of the solution: unit tests, end-to-end tests through DevHost
# against Azurite (each test run starts its own, in memory, on free ports) and the Bicep checks.
set -euo pipefail
cd "$(dirname "$0")"

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is required but not installed" >&2; exit 1; }
done
# Azurite, MailDev, Redocly CLI, openapi-typescript, TypeScript and the SDK's openapi-fetch (package.json); the OpenAPI lint and
# the generated-client check run inside the test suite (Spheres.Tests/Hosting/OpenApiClientTests).
{ [ -x node_modules/.bin/azurite ] && [ -x node_modules/.bin/redocly ] && [ -x node_modules/.bin/openapi-typescript ] \
  && [ -x node_modules/.bin/tsc ] && [ -f node_modules/maildev/dist/bin/maildev.js ] && [ -d node_modules/openapi-fetch ]; } || npm ci --no-audit --no-fund

if [ -f infra/validate.sh ]; then
  bash infra/validate.sh
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# Build every project first: `dotnet test` on a solution builds only what the test projects reference,
# and the benchmark smoke runs below need Spheres.Benchmarks built on a clean clone too.
dotnet build Spheres.sln -c Release -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  dotnet test Spheres.sln -c Release -nologo --no-build 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi
# A smoke run of every benchmark mode (Spheres.Benchmarks/Smoke.cs): tiny sizes, seconds each, nothing timed is checked,
# but a mode that cannot run any more fails the suite. `micro` is every BenchmarkDotNet benchmark, once, in process.
# Spheres.Tests/Architecture/BenchmarkSmokeTests checks this list names every mode of Spheres.Benchmarks/Program.cs.
if [ "$status" -eq 0 ]; then
  smoke_log=$(mktemp)
  for mode in http startup deliveries replies embeddings analytics top-questions oauth-due csv-import micro; do
    args=("$mode" --smoke)
    [ "$mode" = micro ] && args=(--smoke)
    if dotnet Spheres.Benchmarks/bin/Release/net10.0/Spheres.Benchmarks.dll "${args[@]}" >"$smoke_log" 2>&1; then
      echo "benchmark smoke: $mode ok"
    else
      cat "$smoke_log"
      echo "test.sh: benchmark mode $mode failed its smoke run" >&2
      status=1
    fi
  done
  # The deliveries figure is also measured with Azurite finding entities by key (docs/performance.md): that option too.
  if dotnet Spheres.Benchmarks/bin/Release/net10.0/Spheres.Benchmarks.dll deliveries --smoke --azurite-keyed-lookups >"$smoke_log" 2>&1; then
    echo "benchmark smoke: deliveries --azurite-keyed-lookups ok"
  else
    cat "$smoke_log"
    echo "test.sh: benchmark mode deliveries --azurite-keyed-lookups failed its smoke run" >&2
    status=1
  fi
  rm -f "$smoke_log"
fi
set -e

# One plain summary line over every test assembly.
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
echo "tests: ${summary:-0 passed, 0 failed}"
if [ -z "$summary" ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
