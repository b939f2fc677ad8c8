#!/bin/sh
# Packs the committed repository (HEAD) into build/source.tar.gz for heroku_build, and records
# the commit in source.auto.tfvars.json so each Heroku build says what it deployed. Run it
# before every `terraform apply` that should deploy new code; uncommitted changes are not
# included (commit them first).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse HEAD)

mkdir -p "$here/build"
git -C "$root" archive --format=tar.gz --output="$here/build/source.tar.gz" "$commit"
printf '{\n  "source_version": "%s"\n}\n' "$commit" > "$here/source.auto.tfvars.json"

if [ -n "$(git -C "$root" status --porcelain)" ]; then
  echo "note: the working tree has uncommitted changes; they are not in the archive" >&2
fi
echo "packed $commit into $here/build/source.tar.gz"
