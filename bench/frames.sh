#!/usr/bin/env bash
# Frame cost of cordon against labwc, sway and weston: ./dev bench frames.
# A thin wrapper; the work is in bench/frames.py (see bench/README.md).
#
#   bench/frames.sh [--quick] [--rounds N] [--seconds S] [--workloads a,b]
#                   [--compositors cordon,labwc,...] [--profile WORKLOAD]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null || { echo "frames.sh: python3 is needed" >&2; exit 1; }
exec python3 "$here/frames.py" "$@"
