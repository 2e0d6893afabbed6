#!/usr/bin/env bash
# Start Knobs at http://localhost:8501 (extra arguments go to `streamlit run`).
# asgi.py is app.py plus the knobs' moves route (/knobs/moves): see asgi.py.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
exec .venv/bin/streamlit run asgi.py --server.address 0.0.0.0 --server.port 8501 "$@"
