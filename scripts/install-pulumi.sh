#!/usr/bin/env bash
# Provides the Pulumi CLI the engine tests and the demo run: a `pulumi` >= 3.139 already on PATH (with its
# Node.js language host), or else CLI v3.248.0 built from Pulumi's Go modules into a per-user cache outside
# the clone, so fresh clones reuse it. Prints progress to stderr and the bin directory as the last stdout line.
#
# Why it is built this way:
# - No registry ships the CLI binary, but the Go module proxy has github.com/pulumi/pulumi/pkg/v3.
# - `go install pkg@version` refuses modules whose go.mod has `replace` directives, so a small wrapper module
#   requires pkg/v3 and sdk/v3 and repeats their non-relative replaces.
# - The Node.js language host's own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
#   is refused by the module proxy ("403 This module version is not available", for every version), so the
#   language host is built from the last sdk/v3 release that still contained it as a package (v3.68.0), in a
#   second wrapper module. It speaks the same LanguageRuntime protocol; the engine tests prove it works.
# - The sum database is not reachable through the proxy here, so GOSUMDB is off for these downloads.
set -euo pipefail

VERSION=v3.248.0
LANGHOST_SDK=v3.68.0
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-job-waiter"
BIN="$CACHE_ROOT/pulumi-$VERSION/bin"

say() { printf '[install-pulumi] %s\n' "$*" >&2; }
now() { date +%s; }

version_ok() { # prints the version of `$1 version` if it is >= 3.139
  local v
  v=$("$1" version 2>/dev/null | tr -d 'v' | head -n1) || return 1
  local major minor
  major=${v%%.*}
  minor=${v#*.}
  minor=${minor%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 3 || (major == 3 && minor >= 139)))
}

write_launcher() { # the executable the engine runs to start dynamic providers
  cat >"$1/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
# Starts the Node.js dynamic provider host of the @pulumi/pulumi installed for the program (cwd).
script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
EOF
  chmod +x "$1/pulumi-resource-pulumi-nodejs"
}

# 1. A pulumi the user already has.
if [[ "${PULUMI_JOB_WAITER_BUILD_CLI:-}" != "1" ]] && command -v pulumi >/dev/null 2>&1; then
  existing=$(dirname "$(command -v pulumi)")
  if version_ok "$existing/pulumi" && { [[ -x "$existing/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null; }; then
    say "using the Pulumi CLI on PATH: $existing ($("$existing/pulumi" version))"
    echo "$existing"
    exit 0
  fi
fi

# 2. Our cached build.
if [[ -x "$BIN/pulumi" && -x "$BIN/pulumi-language-nodejs" && -x "$BIN/pulumi-resource-pulumi-nodejs" ]] &&
  [[ "$("$BIN/pulumi" version 2>/dev/null)" == "$VERSION" ]]; then
  say "using the cached Pulumi CLI $VERSION in $BIN"
  echo "$BIN"
  exit 0
fi

# 3. Build it.
if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    say "ERROR: Go is not installed. The Pulumi CLI is built from Pulumi's Go modules; install Go >= 1.25"
    say "       (or put a pulumi >= 3.139 with pulumi-language-nodejs on PATH, or set PULUMI_JOB_WAITER_SKIP_ENGINE_TESTS=1)."
    exit 1
  fi
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/build.lock"
say "waiting for the build lock ($CACHE_ROOT/build.lock)"
flock 9
# Another run may have finished the build while we waited.
if [[ -x "$BIN/pulumi" && "$("$BIN/pulumi" version 2>/dev/null)" == "$VERSION" && -x "$BIN/pulumi-language-nodejs" ]]; then
  echo "$BIN"
  exit 0
fi

export GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
start=$(now)
work=$(mktemp -d "$CACHE_ROOT/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/cli" "$work/langhost"
say "building Pulumi CLI $VERSION with $(go version) (first time only; takes several minutes on 2 cores)"

cat >"$work/cli/go.mod" <<EOF
module pulumi-job-waiter/pulumi-cli

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 $VERSION
	github.com/pulumi/pulumi/sdk/v3 $VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

replace golang.org/x/text => golang.org/x/text v0.3.8
EOF
t=$(now)
(cd "$work/cli" && go build -trimpath -o "$work/bin/pulumi" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
say "pulumi built in $(($(now) - t)) s"

cat >"$work/langhost/go.mod" <<EOF
module pulumi-job-waiter/pulumi-language-nodejs

go 1.25.11

require github.com/pulumi/pulumi/sdk/v3 $LANGHOST_SDK

replace golang.org/x/text => golang.org/x/text v0.3.6
EOF
t=$(now)
(cd "$work/langhost" && go build -trimpath -o "$work/bin/pulumi-language-nodejs" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_SDK" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs) >&2
say "pulumi-language-nodejs built in $(($(now) - t)) s"

write_launcher "$work/bin"
rm -rf "$BIN.old"
[[ -d "$BIN" ]] && mv "$BIN" "$BIN.old"
mkdir -p "$(dirname "$BIN")"
mv "$work/bin" "$BIN"
rm -rf "$BIN.old"
say "installed $("$BIN/pulumi" version) into $BIN in $(($(now) - start)) s"
echo "$BIN"
