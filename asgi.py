"""Knobs served with its moves route: ``streamlit run asgi.py`` (what scripts/start.sh runs).

The app is ``app.py``, unchanged; beside Streamlit's own routes, ``ui/moves_route.py``'s
websocket answers a knob's drag without a script run. ``streamlit run app.py`` still serves
the whole app: there the sliders send every move to Streamlit.
"""

from __future__ import annotations

from starlette.routing import WebSocketRoute
from streamlit.starlette import App

from ui import moves_route

moves_route.mount()
app = App("app.py", routes=[WebSocketRoute(moves_route.MOVES_PATH, moves_route.moves_endpoint)])
