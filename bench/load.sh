#!/bin/sh
# Load figures for the portal against a bare Django view (see bench/load.py and bench/README.md).
cd "$(dirname "$0")/.." && exec .venv/bin/python -m bench.load "$@"
