#!/usr/bin/env bash
# Start Knobs at http://localhost:8501 (extra arguments go to `streamlit run`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
exec .venv/bin/streamlit run app.py --server.address 0.0.0.0 --server.port 8501 "$@"
