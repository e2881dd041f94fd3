#!/usr/bin/env bash
# Provides the Pulumi CLI that the engine tests and the demo run, and prints its bin directory as the LAST
# line of stdout (everything else goes to stderr):
#   1. a `pulumi` >= 3.139 already on PATH whose `pulumi-language-nodejs` is next to it or on PATH; else
#   2. CLI v3.248.0 built from Pulumi's Go modules into a per-user cache outside the clone
#      (${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-job-waiter/pulumi-v3.248.0/), so fresh clones reuse it.
# The first build takes several minutes (downloads ~1.5 GB of Go modules, compiles on all cores); later runs
# only check `pulumi version` and return at once. Set PULUMI_JOB_WAITER_BUILD_CLI=1 to ignore a pulumi on PATH.
#
# Why it is built this way:
# - No package registry we can reach ships the CLI binary, but the Go module proxy has
#   github.com/pulumi/pulumi/pkg/v3. `go install pkg@version` refuses modules whose go.mod has `replace`
#   directives, so a throwaway wrapper module requires pkg/v3 + sdk/v3 and repeats pkg/v3's non-relative
#   replace (atotto/clipboard => tgummerer/clipboard), which is exactly the build Pulumi releases.
# - The Node.js language host's own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
#   is refused by the module proxy ("403 Forbidden: This module version is not available", for every
#   version and for @v/list). sdk/v3 v3.68.0 is the last release that still carried the language host as a
#   package, so it is built from there in a second wrapper module (with that sdk's own replace). It speaks
#   the same LanguageRuntime gRPC protocol; the 3.248 engine falls back to the older RPCs it implements.
# - pulumi-resource-pulumi-nodejs, the launcher the engine runs for dynamic providers, is the same tiny
#   shell script Pulumi ships (it runs @pulumi/pulumi/cmd/dynamic-provider resolved from the program's dir).
# - The checksum database is not reachable through the proxy here, so GOSUMDB is off; the wrapper modules
#   are seeded with Pulumi's own go.sum files, so every dependency except the two Pulumi modules themselves
#   is still checked against the hashes Pulumi committed.
set -euo pipefail

VERSION=v3.248.0          # the CLI (github.com/pulumi/pulumi/pkg/v3 + sdk/v3)
LANGHOST_SDK=v3.68.0      # newest sdk/v3 that contains nodejs/cmd/pulumi-language-nodejs
MIN_MINOR=139             # an existing pulumi must be >= 3.$MIN_MINOR
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/pulumi-job-waiter"
BIN="$CACHE_ROOT/pulumi-$VERSION"
PKG=github.com/pulumi/pulumi/pkg/v3
SDK=github.com/pulumi/pulumi/sdk/v3
VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

export PULUMI_SKIP_UPDATE_CHECK=true

T0=${EPOCHREALTIME/,/.}
say() { printf '[install-pulumi] %s\n' "$*" >&2; }
since() { # seconds (one decimal) since the EPOCHREALTIME value $1
  local now=${EPOCHREALTIME/,/.}
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f", b - a }'
}
done_with() { # prints the bin dir as the only stdout line and exits
  say "done in $(since "$T0") s: $1"
  printf '%s\n' "$1"
  exit 0
}

# `version_at_least BIN` succeeds when `BIN version` reports >= 3.$MIN_MINOR (any v4+ also passes).
version_at_least() {
  local v major minor
  v=$("$1" version 2>/dev/null | head -n1) || return 1
  v=${v#v}
  major=${v%%.*}
  minor=${v#*.}
  minor=${minor%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 3 || (major == 3 && minor >= MIN_MINOR)))
}

cache_ok() { # the cached build is complete and is the right version
  [[ -x "$BIN/pulumi" && -x "$BIN/pulumi-language-nodejs" && -x "$BIN/pulumi-resource-pulumi-nodejs" ]] &&
    [[ "$("$BIN/pulumi" version 2>/dev/null)" == "$VERSION" ]]
}

# --- 1. A pulumi the user already has -------------------------------------------------------------------
own_dir=$(cd "$BIN" 2>/dev/null && pwd -P) || own_dir=$BIN
if [[ "${PULUMI_JOB_WAITER_BUILD_CLI:-}" != "1" ]] && existing=$(command -v pulumi 2>/dev/null); then
  existing_dir=$(cd "$(dirname "$existing")" && pwd -P)
  if [[ "$existing_dir" != "$own_dir" ]] && version_at_least "$existing"; then
    if [[ -x "$existing_dir/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null 2>&1; then
      say "using the Pulumi CLI on PATH: $existing_dir ($("$existing" version 2>/dev/null | head -n1))"
      done_with "$existing_dir"
    fi
    say "pulumi on PATH ($existing) has no pulumi-language-nodejs next to it or on PATH; using our own build"
  elif [[ "$existing_dir" != "$own_dir" ]]; then
    say "pulumi on PATH ($existing) is older than 3.$MIN_MINOR; using our own build"
  fi
fi

# --- 2. Our cached build (lock-free fast path) ---------------------------------------------------------
if cache_ok; then
  say "using the cached Pulumi CLI $VERSION"
  done_with "$BIN"
fi

# --- 3. Build it ------------------------------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    say "ERROR: Go is not installed (no 'go' on PATH, no /usr/local/go/bin/go)."
    say "       The Pulumi CLI $VERSION is built from Pulumi's Go modules; install Go >= 1.25 and rerun,"
    say "       or put a pulumi >= 3.$MIN_MINOR with pulumi-language-nodejs on PATH."
    exit 1
  fi
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build.lock"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    say "another run is building the CLI; waiting for $CACHE_ROOT/.build.lock"
    t=${EPOCHREALTIME/,/.}
    flock 9
    say "lock acquired after $(since "$t") s"
  fi
else
  say "WARNING: flock not found; building without a lock"
fi
if cache_ok; then # another run finished the build while we waited
  say "another run built the CLI meanwhile"
  done_with "$BIN"
fi

# Only for the downloads made here: the proxy cannot serve sum.golang.org. Pulumi's go.sum seeds the hashes.
export GOSUMDB=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 GOWORK=off
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
say "building Pulumi CLI $VERSION with $(go version | cut -d' ' -f3-) into $BIN"
say "(first time only: downloads ~1.5 GB of Go modules and compiles for several minutes)"

work=$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/cli" "$work/langhost"

step() { # step NAME DIR CMD...: runs CMD in DIR with its output on stderr, timing it
  local name=$1 dir=$2 t=${EPOCHREALTIME/,/.}
  shift 2
  say "$name ..."
  if ! (cd "$dir" && "$@") >&2; then
    say "ERROR: $name failed (command: $*)"
    exit 1
  fi
  say "$name: $(since "$t") s"
}

list_deps() { go list -deps "$1" >/dev/null; } # downloads the modules that build package $1

seed_gosum() { # seed_gosum DIR MODULE@VERSION...: go.sum of DIR := union of the modules' go.sum files
  local dir=$1 m d
  shift
  : >"$dir/go.sum.all"
  for m in "$@"; do
    d=$(cd "$dir" && go mod download -json "$m" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [[ -n "$d" && -f "$d/go.sum" ]] && cat "$d/go.sum" >>"$dir/go.sum.all"
  done
  sort -u "$dir/go.sum.all" >"$dir/go.sum"
  rm -f "$dir/go.sum.all"
}

# 3a. The CLI: the same module graph as Pulumi's release build of pkg/v3 (sdk/v3 at the same version).
cat >"$work/cli/go.mod" <<EOF
module pulumi-job-waiter/pulumi-cli

go 1.25.11

require (
	$PKG $VERSION
	$SDK $VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
step "download $PKG@$VERSION and $SDK@$VERSION" "$work/cli" seed_gosum "$work/cli" "$PKG@$VERSION" "$SDK@$VERSION"
step "download the CLI's dependencies" "$work/cli" list_deps "$PKG/cmd/pulumi"
step "compile pulumi" "$work/cli" go build -trimpath -o "$work/bin/pulumi" \
  -ldflags "-s -w -X $VERSION_VAR=$VERSION" "$PKG/cmd/pulumi"

# 3b. The Node.js language host, from the last sdk/v3 that contained it (with that sdk's own replace).
cat >"$work/langhost/go.mod" <<EOF
module pulumi-job-waiter/pulumi-language-nodejs

go 1.18

require $SDK $LANGHOST_SDK

replace golang.org/x/text => golang.org/x/text v0.3.6
EOF
step "download $SDK@$LANGHOST_SDK" "$work/langhost" seed_gosum "$work/langhost" "$SDK@$LANGHOST_SDK"
step "download the language host's dependencies" "$work/langhost" \
  list_deps "$SDK/nodejs/cmd/pulumi-language-nodejs"
step "compile pulumi-language-nodejs" "$work/langhost" go build -trimpath -o "$work/bin/pulumi-language-nodejs" \
  -ldflags "-s -w -X $VERSION_VAR=$LANGHOST_SDK" "$SDK/nodejs/cmd/pulumi-language-nodejs"

# 3c. The dynamic-provider launcher: Pulumi's sdk/nodejs/dist/pulumi-resource-pulumi-nodejs, with "$@"
# quoted and exec so signals reach node directly.
cat >"$work/bin/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
# Starts the Node.js dynamic-provider host of the @pulumi/pulumi installed for the program (resolved from cwd).
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ -z "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    echo "pulumi-resource-pulumi-nodejs: cannot resolve @pulumi/pulumi/cmd/dynamic-provider from $(pwd)" >&2
    exit 1
fi
exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"
EOF
chmod 755 "$work/bin/"*

got=$("$work/bin/pulumi" version)
[[ "$got" == "$VERSION" ]] || { say "ERROR: the built pulumi reports '$got', expected $VERSION"; exit 1; }

# 3d. Move into place: a rename of the finished directory (the old one, if any, is moved aside first).
if [[ -e "$BIN" || -L "$BIN" ]]; then
  mv -T "$BIN" "$work/old"
fi
mv -T "$work/bin" "$BIN"
say "installed pulumi $got, pulumi-language-nodejs $LANGHOST_SDK, pulumi-resource-pulumi-nodejs ($(du -sh "$BIN" | cut -f1))"
done_with "$BIN"
