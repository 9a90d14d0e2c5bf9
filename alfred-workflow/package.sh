#!/bin/bash
# Builds the installable Alfred workflow: a zip with info.plist at its root, the icons, the
# entry script and BINARY as `awsmfa`, run bits kept. The workflow gets the crate's version
# (Cargo.toml next to this folder).
#
#   alfred-workflow/package.sh BINARY [OUT]
#
# OUT defaults to awsmfa.alfredworkflow in the current folder. Needs zip.
# AWSMFA_TAP, when set (the release workflow sets it: OWNER/tap), is the Homebrew tap the
# workflow's messages tell people to install awsmfa from (`brew install OWNER/tap/awsmfa`).

set -euo pipefail

usage() {
    echo "usage: alfred-workflow/package.sh BINARY [OUT]" >&2
    echo "  BINARY  the awsmfa executable to bundle (e.g. target/release/awsmfa)" >&2
    echo "  OUT     where to write the workflow (default: ./awsmfa.alfredworkflow)" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
binary=$1
out=${2:-awsmfa.alfredworkflow}
here=$(cd "$(dirname "$0")" && pwd)

if [[ ! -f "$binary" ]]; then
    echo "package.sh: $binary is not a file: build awsmfa first (cargo build --release)" >&2
    exit 1
fi
if ! command -v zip >/dev/null; then
    echo "package.sh: zip is not installed (Debian/Ubuntu: apt-get install zip)" >&2
    exit 1
fi

# The version in [package] of Cargo.toml.
version=$(awk '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version[ \t]*=/ { gsub(/^version[ \t]*=[ \t]*"|".*$/, ""); print; exit }
' "$here/../Cargo.toml")
if [[ -z "$version" ]]; then
    echo "package.sh: found no version in [package] of $here/../Cargo.toml" >&2
    exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/awsmfa-workflow.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/icons"
cp "$here/icon.png" "$here/awsmfa-alfred.sh" "$here/awsmfa-alfred-list" "$stage/"
if [[ -n "${AWSMFA_TAP:-}" ]]; then
    if [[ ! "$AWSMFA_TAP" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$ ]]; then
        echo "package.sh: AWSMFA_TAP=$AWSMFA_TAP is not a Homebrew tap name (OWNER/NAME)" >&2
        exit 1
    fi
    line="brew_install='brew install $AWSMFA_TAP/awsmfa'"
    awk -v line="$line" '
        /^brew_install=/ { print line; done = 1; next }
        { print }
        END { if (!done) exit 1 }
    ' "$here/awsmfa-alfred.sh" >"$stage/awsmfa-alfred.sh" || {
        echo "package.sh: found no brew_install= line in $here/awsmfa-alfred.sh" >&2
        exit 1
    }
fi
cp "$here"/icons/*.png "$stage/icons/"
cp "$binary" "$stage/awsmfa"
chmod 0644 "$stage/icon.png" "$stage"/icons/*.png
chmod 0755 "$stage/awsmfa" "$stage/awsmfa-alfred.sh" "$stage/awsmfa-alfred-list"

# The top-level <key>version</key> is the only one directly under the root <dict>, one tab in;
# the objects' own version keys are deeper.
awk -v version="$version" '
    stamp && /^\t<string>.*<\/string>$/ { print "\t<string>" version "</string>"; stamp = 0; done = 1; next }
    { stamp = ($0 == "\t<key>version</key>"); print }
    END { if (!done) exit 1 }
' "$here/info.plist" >"$stage/info.plist" || {
    echo "package.sh: found no top-level <key>version</key><string>…</string> in $here/info.plist" >&2
    exit 1
}
if command -v plutil >/dev/null; then
    plutil -lint -s "$stage/info.plist"
fi

mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out_abs"
(cd "$stage" && zip -q -X -r "$out_abs" info.plist icon.png icons awsmfa-alfred.sh awsmfa-alfred-list awsmfa)

echo "$out_abs (awsmfa $version)"
