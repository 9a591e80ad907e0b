#!/usr/bin/env bash
# The benchmark in one command: bench/run.sh [--articles N] [--reuse] [--duration S] ...
# (all options: bench/run.sh --help). Needs PostgreSQL and Redis on 127.0.0.1, wrk and nginx
# (installed here with apt-get when missing and we are root). Loads only 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Please install: ${missing[*]} (e.g. sudo apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || make install

exec .venv/bin/python bench/bench.py "$@"
