#!/usr/bin/env bash
# Sets up and serves the Spheres API on http://localhost:7071 with Azurite as local storage and
# MailDev as the SMTP server (password-reset mails land in its inbox at http://127.0.0.1:1080).
# Needs the .NET SDK and Node.js; installs the rest. Ctrl-C stops all three processes.
# Settings come from Spheres.Functions/local.settings.json (made from local.settings.sample.json
# on first run); environment variables such as Spheres__Meta__VerifyToken override them.
set -euo pipefail
cd "$(dirname "$0")"

for tool in dotnet node npm curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required but not installed" >&2; exit 1; }
done

{ [ -x node_modules/.bin/azurite ] && [ -f node_modules/maildev/dist/bin/maildev.js ]; } || npm ci --no-audit --no-fund
dotnet build Spheres.DevHost -c Release -nologo -v quiet

[ -f Spheres.Functions/local.settings.json ] || cp local.settings.sample.json Spheres.Functions/local.settings.json

# Azurite on its usual ports (override with AZURITE_*_PORT), data kept under .azurite/ between runs.
blob_port=${AZURITE_BLOB_PORT:-10000}; queue_port=${AZURITE_QUEUE_PORT:-10001}; table_port=${AZURITE_TABLE_PORT:-10002}
mkdir -p .azurite
node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --loose --disableProductStyleUrl --disableTelemetry \
  --location .azurite --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" &
azurite_pid=$!

# MailDev: SMTP 127.0.0.1:1025 (Spheres__Smtp__* of the sample), inbox UI and REST API (GET /api/email) on 127.0.0.1:1080.
smtp_port=${MAILDEV_SMTP_PORT:-1025}; maildev_web_port=${MAILDEV_WEB_PORT:-1080}
mkdir -p .maildev
node node_modules/maildev/dist/bin/maildev.js --silent --ip 127.0.0.1 --smtp "$smtp_port" --web-ip 127.0.0.1 --web "$maildev_web_port" \
  --mail-directory .maildev &
maildev_pid=$!
[ "$smtp_port" = 1025 ] || export Spheres__Smtp__Port="$smtp_port"

url=${ASPNETCORE_URLS:-http://localhost:7071}
export ASPNETCORE_URLS=$url
# A local run: the sample's published secrets are refused in any other environment (StartupChecks).
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
if [ -z "${AzureWebJobsStorage:-}" ] && { [ "$blob_port" != 10000 ] || [ "$queue_port" != 10001 ] || [ "$table_port" != 10002 ]; }; then
  # The emulator's public development account, on the chosen ports.
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
fi
dotnet Spheres.DevHost/bin/Release/net10.0/Spheres.DevHost.dll &
devhost_pid=$!

stop() { kill "$devhost_pid" "$azurite_pid" "$maildev_pid" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$url/api/openapi.json" 2>/dev/null && break
  kill -0 "$devhost_pid" 2>/dev/null || { echo "run.sh: DevHost exited; see the output above" >&2; exit 1; }
  sleep 0.5
done

key=${Spheres__DevHost__FunctionKey:-$(node -e 'const v=require("./Spheres.Functions/local.settings.json").Values||{};process.stdout.write(v["Spheres__DevHost__FunctionKey"]||"")')}
curl -fsS -X POST -H "x-functions-key: $key" "$url/api/admin/catalog/reseed/" >/dev/null && echo "Catalog seeded."

cat <<INFO

Spheres API is up (Ctrl-C stops it and Azurite):
  $url/api/openapi.json                      the OpenAPI document
  $url/api/accounts/spheres/                 spheres
  $url/api/accounts/integration-types/       integration types (?sphere_slug=beauty&country=UA)
  Admin endpoints need the header x-functions-key: <Spheres__DevHost__FunctionKey of local.settings.json>
  Azurite: blob 127.0.0.1:$blob_port, queue 127.0.0.1:$queue_port, table 127.0.0.1:$table_port (data in .azurite/)
  MailDev: SMTP 127.0.0.1:$smtp_port, inbox http://127.0.0.1:$maildev_web_port (API: /api/email; mails in .maildev/)
INFO
wait "$devhost_pid"
