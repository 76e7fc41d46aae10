#!/usr/bin/env bash
# Compiles and lints infra/main.bicep (and the modules it uses) with the Bicep CLI that
# NuGet brings (infra/tools/Bicep.props). Exits non-zero on any error or warning.
#
#   bash infra/validate.sh                       # from anywhere
#   bash infra/validate.sh --outfile infra/main.json   # also keep the ARM JSON
set -euo pipefail
export DOTNET_NOLOGO=1  # keep the first-run banner out of the captured MSBuild output

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_project="$repo_root/infra/tools/Bicep.Tools.csproj"
template="$repo_root/infra/main.bicep"

outfile=""
if [[ "${1:-}" == "--outfile" ]]; then
  outfile="${2:?--outfile needs a path}"
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--outfile PATH]" >&2
  exit 2
fi

# A no-op when the package is already in the NuGet package folder.
dotnet restore "$tools_project" --verbosity quiet

# Ask MSBuild where NuGet put it (honours NUGET_PACKAGES) rather than guessing ~/.nuget.
bicep="$(dotnet msbuild "$tools_project" -getProperty:BicepCliPath)"
if [[ ! -f "$bicep" ]]; then
  echo "validate.sh: no Bicep CLI at $bicep after restore" >&2
  exit 1
fi
# NuGet keeps the file mode of the package; make sure whoever runs this can execute it.
[[ -x "$bicep" ]] || chmod u+x "$bicep"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
compiled="${outfile:-$work/main.json}"

failed=0
# Runs one bicep command, shows its output, and fails on a non-zero exit or on any
# "Warning"/"Error" diagnostic (bicep exits 0 when there are only warnings).
run_bicep() {
  local log="$work/bicep.log" status=0
  "$bicep" "$@" >"$log" 2>&1 || status=$?
  cat "$log"
  if [[ $status -ne 0 ]] || grep -Eq ' : (Warning|Error) ' "$log"; then
    echo "validate.sh: bicep $1 reported problems (exit $status)" >&2
    failed=1
  fi
}

echo "Bicep CLI: $("$bicep" --version)"
run_bicep build "$template" --outfile "$compiled"
run_bicep lint "$template"

if [[ $failed -ne 0 ]]; then
  exit 1
fi
echo "validate.sh: infra/main.bicep builds and lints clean${outfile:+ (ARM JSON: $outfile)}"
