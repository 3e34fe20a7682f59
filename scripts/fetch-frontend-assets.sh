#!/usr/bin/env bash
# Fetch the vendored front-end assets for crates/los-web from the npm registry.
#
# - Downloads pinned, exact versions with `npm pack` into a temporary directory
#   (no node_modules, no package-lock, nothing written into the repository
#   except the copied files).
# - Verifies every tarball three ways: the sha512 computed locally from the
#   tarball must equal the integrity `npm pack` reports, the registry's
#   `npm view NAME@VERSION dist.integrity`, and the integrity pinned below.
# - Refuses licences outside a small permissive allow-list.
# - Copies only the files the app needs to crates/los-web/assets/vendor/,
#   plus each package's LICENSE and a generated THIRD_PARTY.md.
#
# Idempotent: files are only rewritten when their content changes, and files
# in vendor/ that this script does not produce are removed.
#
# Usage:
#   scripts/fetch-frontend-assets.sh           # fetch, verify, update vendor/
#   scripts/fetch-frontend-assets.sh --check   # fetch, verify, fail if vendor/ differs
#
# To upgrade: change a *_VERSION, set its *_INTEGRITY to "" and run once; the
# script prints the registry integrity, which you then pin here after review.
set -euo pipefail

# ---------------------------------------------------------------------------
# Pinned versions (exact) and their expected npm integrity (sha512, SRI form).
# ---------------------------------------------------------------------------
DS_CSS_VERSION="1.22.0"
DS_CSS_INTEGRITY="sha512-f/+YOK1Gvl7ypdeRh0TDGs28eu8DkOPDAR+T8yLpnys9FxNWX05UNuhXJwYwRuzF9WUgjAhpJ5JKdodTDxWMEA=="

DS_THEME_VERSION="1.11.0"
DS_THEME_INTEGRITY="sha512-C4Mf+LmecQ8sdjykD25NWiEclQDEOK+Y6Dlo8oz2BjhLBkDmo1+udFyCplvAGvv1MTzhsAhGafW/S4ox8iXlOA=="

HTMX_VERSION="2.0.11"
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

# Licences we accept for vendored browser assets (SPDX ids).
ALLOWED_LICENSES="MIT 0BSD ISC BSD-2-Clause BSD-3-Clause Apache-2.0"

# package|version|pinned integrity|source path in package|destination file name
ASSETS=(
  "@digdir/designsystemet-css|${DS_CSS_VERSION}|${DS_CSS_INTEGRITY}|dist/src/index.css|designsystemet.css"
  "@digdir/designsystemet-theme|${DS_THEME_VERSION}|${DS_THEME_INTEGRITY}|brand/digdir.css|designsystemet-theme-digdir.css"
  "htmx.org|${HTMX_VERSION}|${HTMX_INTEGRITY}|dist/htmx.min.js|htmx.min.js"
)

# ---------------------------------------------------------------------------
MODE="update"
case "${1:-}" in
  "") ;;
  --check) MODE="check" ;;
  -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
  *) echo "unknown argument: $1 (use --check or no argument)" >&2; exit 2 ;;
esac

for tool in npm node tar openssl base64 cmp; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="${REPO_ROOT}/crates/los-web/assets/vendor"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/los-frontend-assets.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT
STAGE_DIR="${WORK_DIR}/stage"
mkdir -p "$STAGE_DIR"

# Keep npm quiet and away from the repository and the user's caches/config.
export npm_config_loglevel=error
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false
export npm_config_cache="${WORK_DIR}/npm-cache"

die() { echo "error: $*" >&2; exit 1; }

# JSON field reader (node is always present alongside npm). Path is dot-separated,
# e.g. "0.filename"; exits non-zero if the field is missing.
json_get() { # file, path
  node -e '
    const fs = require("fs");
    let v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    for (const k of process.argv[2].split(".")) { v = (v == null) ? undefined : v[k]; }
    if (v === undefined || v === null || typeof v === "object") process.exit(3);
    process.stdout.write(String(v));
  ' "$1" "$2"
}

sha512_sri() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 | tr -d '\n')"; }
sha256_hex() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }

# Name used for the per-package licence file: "@scope/name" -> "scope-name".
license_file_name() { local n="${1#@}"; printf '%s.LICENSE' "${n//\//-}"; }

THIRD_PARTY_ROWS=""
THIRD_PARTY_DETAILS=""

for entry in "${ASSETS[@]}"; do
  IFS='|' read -r pkg version pinned src dest <<<"$entry"
  spec="${pkg}@${version}"
  echo "==> ${spec}"

  pkg_dir="${WORK_DIR}/pkg/$(license_file_name "$pkg" | sed 's/\.LICENSE$//')"
  mkdir -p "$pkg_dir"

  # Download the tarball (npm pack of a registry spec only downloads; no scripts run).
  (cd "$pkg_dir" && npm pack "$spec" --json --ignore-scripts --pack-destination "$pkg_dir" >"$pkg_dir/pack.json") \
    || die "npm pack ${spec} failed"

  tarball="${pkg_dir}/$(json_get "$pkg_dir/pack.json" 0.filename)"
  [[ -f "$tarball" ]] || die "tarball for ${spec} not found"
  pack_name="$(json_get "$pkg_dir/pack.json" 0.name)"
  pack_version="$(json_get "$pkg_dir/pack.json" 0.version)"
  pack_integrity="$(json_get "$pkg_dir/pack.json" 0.integrity)"
  [[ "$pack_name" == "$pkg" && "$pack_version" == "$version" ]] \
    || die "npm pack returned ${pack_name}@${pack_version}, expected ${spec}"

  registry_integrity="$(npm view "$spec" dist.integrity)"
  local_integrity="$(sha512_sri "$tarball")"

  [[ "$local_integrity" == "$pack_integrity" ]] \
    || die "${spec}: tarball sha512 (${local_integrity}) != npm pack integrity (${pack_integrity})"
  [[ "$local_integrity" == "$registry_integrity" ]] \
    || die "${spec}: tarball sha512 (${local_integrity}) != registry dist.integrity (${registry_integrity})"
  if [[ -z "$pinned" ]]; then
    die "${spec}: no pinned integrity; review and pin: ${registry_integrity}"
  fi
  [[ "$local_integrity" == "$pinned" ]] \
    || die "${spec}: tarball sha512 (${local_integrity}) != pinned integrity (${pinned})"
  echo "    integrity ok: ${local_integrity}"

  extract_dir="${pkg_dir}/x"
  mkdir -p "$extract_dir"
  tar -xzf "$tarball" -C "$extract_dir"
  root="${extract_dir}/package"
  [[ -f "${root}/package.json" ]] || die "${spec}: package.json missing in tarball"

  # Double-check the manifest inside the tarball.
  [[ "$(json_get "${root}/package.json" name)" == "$pkg" ]] || die "${spec}: package.json name mismatch"
  [[ "$(json_get "${root}/package.json" version)" == "$version" ]] || die "${spec}: package.json version mismatch"
  license="$(json_get "${root}/package.json" license)" || die "${spec}: no license field"
  case " ${ALLOWED_LICENSES} " in
    *" ${license} "*) ;;
    *) die "${spec}: licence '${license}' is not in the allow-list (${ALLOWED_LICENSES})" ;;
  esac
  echo "    licence: ${license}"

  [[ -f "${root}/${src}" ]] || die "${spec}: ${src} not found in package"
  cp "${root}/${src}" "${STAGE_DIR}/${dest}"

  license_src=""
  for candidate in LICENSE LICENSE.md LICENSE.txt LICENCE LICENCE.md license license.md; do
    if [[ -f "${root}/${candidate}" ]]; then license_src="$candidate"; break; fi
  done
  [[ -n "$license_src" ]] || die "${spec}: no LICENSE file in package"
  license_dest="$(license_file_name "$pkg")"
  cp "${root}/${license_src}" "${STAGE_DIR}/${license_dest}"

  THIRD_PARTY_ROWS+="| \`${dest}\` | \`${pkg}\` | ${version} | ${license} | \`${src}\` | [\`${license_dest}\`](${license_dest}) |"$'\n'
  THIRD_PARTY_DETAILS+="### \`${dest}\`"$'\n\n'
  THIRD_PARTY_DETAILS+="- Package: \`${pkg}\` version \`${version}\` (<https://www.npmjs.com/package/${pkg}/v/${version}>)"$'\n'
  THIRD_PARTY_DETAILS+="- Licence: ${license} (full text: \`${license_dest}\`, from \`${license_src}\` in the package)"$'\n'
  THIRD_PARTY_DETAILS+="- Source path in package: \`${src}\`"$'\n'
  THIRD_PARTY_DETAILS+="- Tarball integrity (npm \`dist.integrity\`): \`${local_integrity}\`"$'\n'
  THIRD_PARTY_DETAILS+="- SHA-256 of the vendored file: \`$(sha256_hex "${STAGE_DIR}/${dest}")\`"$'\n\n'
done

cat >"${STAGE_DIR}/THIRD_PARTY.md" <<EOF
# Third-party front-end assets

Generated by \`scripts/fetch-frontend-assets.sh\` — do not edit by hand; change the
pinned versions in the script and re-run it. Every tarball was verified against the
npm registry's \`dist.integrity\` and the integrity pinned in the script.

| File | Package | Version | Licence | Source path in package | Licence text |
|---|---|---|---|---|---|
${THIRD_PARTY_ROWS}
## Details

${THIRD_PARTY_DETAILS}All licences above are permissive (MIT: keep the copyright and permission
notice with the files, which the \`*.LICENSE\` files here do; 0BSD: no conditions).
EOF

# ---------------------------------------------------------------------------
# Apply (or check) the staged result.
# ---------------------------------------------------------------------------
if [[ "$MODE" == "check" ]]; then
  if [[ -d "$VENDOR_DIR" ]] && diff -r "$STAGE_DIR" "$VENDOR_DIR" >/dev/null; then
    echo "vendor/ is up to date"
    exit 0
  fi
  echo "vendor/ differs from the pinned packages; run scripts/fetch-frontend-assets.sh" >&2
  diff -rq "$STAGE_DIR" "$VENDOR_DIR" >&2 || true
  exit 1
fi

mkdir -p "$VENDOR_DIR"
changed=0
for f in "$STAGE_DIR"/*; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "${VENDOR_DIR}/${name}"; then
    cp "$f" "${VENDOR_DIR}/${name}.tmp"
    mv "${VENDOR_DIR}/${name}.tmp" "${VENDOR_DIR}/${name}"
    echo "updated ${name}"
    changed=1
  fi
done
# Remove files we no longer produce (e.g. after renaming an asset).
for f in "$VENDOR_DIR"/* "$VENDOR_DIR"/.[!.]*; do
  [[ -e "$f" ]] || continue
  name="$(basename "$f")"
  if [[ ! -e "${STAGE_DIR}/${name}" ]]; then
    rm -rf -- "$f"
    echo "removed ${name}"
    changed=1
  fi
done
[[ "$changed" == 1 ]] || echo "vendor/ already up to date"
echo "done: ${VENDOR_DIR#"${REPO_ROOT}/"}"
