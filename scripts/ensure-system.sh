#!/usr/bin/env bash
# Install the Debian packages InvestMap needs, only those missing (run as root on Debian 12).
set -euo pipefail

# fonts-wqy-microhei: CJK glyphs, so that headless Chromium's screenshots of the map page are legible
# and the brochures' PDFs embed a CJK font; poppler-utils: pdftotext/pdffonts read the PDFs back in tests.
# nginx: tests/core/test_proxy.py runs deploy/nginx.conf with a process of its own (the package.s service is not used).
packages=(postgresql-15-postgis-3 postgresql-15-postgis-3-scripts gdal-bin chromium fonts-wqy-microhei poppler-utils nodejs npm wrk nginx)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
command -v node >/dev/null && command -v npm >/dev/null && packages=("${packages[@]/nodejs}") && packages=("${packages[@]/npm}")

missing=()
for p in "${packages[@]}"; do
  [[ -z "$p" ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
