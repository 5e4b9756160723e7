#!/usr/bin/env bash
# make-deb.sh OUTDIR — builds the Debian package from a copy of this tree (debian/ with
# debhelper) in OUTDIR/src, leaving OUTDIR/pinetboot_VERSION_ARCH.deb, and runs lintian on
# it: any lintian error fails (warnings are printed). Used by `make deb`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(cat "$top/VERSION")
deb_version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
[[ $deb_version == "$version" || $deb_version == "$version"-* ]] ||
  { echo "make-deb: debian/changelog says $deb_version, VERSION says $version" >&2; exit 2; }
src="$out/src/pinetboot-$version"
rm -rf "$out/src" "$out"/pinetboot_* "$out"/pinetboot-dbgsym_*
mkdir -p "$src"
# the tracked files when this is a git checkout, else everything but build trees
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$top" ls-files -z --cached --others --exclude-standard |
    (cd "$top" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$src"
else
  tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)" >"$out/build.log" 2>&1) ||
  { tail -n 40 "$out/build.log"; echo "make-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2; exit 1; }
mv "$out"/src/pinetboot_* "$out"/ 2>/dev/null || true
mv "$out"/src/pinetboot-dbgsym_* "$out"/ 2>/dev/null || true
deb=$(ls "$out"/pinetboot_*.deb)
echo "make-deb: $deb"
lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" | tee "$out/lintian.txt" || {
  echo "make-deb: lintian reports errors (above)" >&2; exit 1; }
