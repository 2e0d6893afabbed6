"""A plotly chart that updates in place: ``live_chart(figure, key=...)``, for charts that move.

Why not ``st.plotly_chart``: Streamlit 1.67 derives a chart's element id from its spec, so a
new spec unmounts the old chart and builds a new one from scratch in the browser (a new React
subtree, ``Plotly.newPlot``, a new modebar): about 60 ms more per knob move than updating it,
measured on our 2-core machines (``bench/browser.py``). This component keeps one plotly graph
per key and hands each new spec to ``Plotly.react``, which updates the graph in place, and
does nothing at all when the spec is byte-identical (a heavy surface that did not change).

It is a Streamlit v2 component (no iframe, in the page's own document) whose JavaScript, inline
below, loads plotly.js once per page from the app's static folder: ``static/plotly-<version>
.min.js`` beside the main script, a copy of the file shipped in the pinned ``plotly`` package,
written on first use (``static/`` is not in git). Where that copy cannot be written, charts
fall back to ``st.plotly_chart``. The figure is drawn as given, like
``st.plotly_chart(theme=None)``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ui.figures import SpecFigure

#: Streamlit serves ``static/`` beside the main script (app.py) at ``/app/static`` when
#: ``server.enableStaticServing`` is on (.streamlit/config.toml). None: beside the script being
#: run (a benchmark page in bench/ gets bench/static/); tests set a folder of their own.
STATIC_DIR: Path | None = None
PLOTLY_JS = f"plotly-{plotly.__version__}.min.js"
_PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HEIGHT = 450
DEFAULT_CONFIG: dict[str, Any] = {"displaylogo": False}

_JS = """
const charts = new WeakMap();

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__knobsPlotly) {
    window.__knobsPlotly = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__knobsPlotly = undefined;
        reject(new Error('could not load ' + url));
      };
      document.head.appendChild(script);
    });
  }
  return window.__knobsPlotly;
}

export default function ({ data, parentElement }) {
  let chart = charts.get(parentElement);
  if (!chart) {
    const graph = document.createElement('div');
    graph.className = 'knobs-live-chart';
    parentElement.appendChild(graph);
    // Follows the column's width (the window's, the sidebar's), like st.plotly_chart.
    const resized = new ResizeObserver(() => {
      if (window.Plotly && chart.drawn !== null) window.Plotly.Plots.resize(graph);
    });
    resized.observe(graph);
    // Called when the chart leaves the page, and possibly while a newer spec is drawn here.
    const cleanup = () => {
      if (parentElement.isConnected) return;  // still on the page: keep the graph
      resized.disconnect();
      if (window.Plotly) window.Plotly.purge(graph);
      charts.delete(parentElement);
    };
    chart = { graph, drawn: null, cleanup };
    charts.set(parentElement, chart);
  }
  chart.graph.style.minHeight = data.height + 'px';  // no jump while plotly.js loads
  const drawing = data.spec + data.config;
  if (chart.drawn === drawing) return chart.cleanup;  // byte-identical: leave it alone
  chart.drawn = drawing;
  loadPlotly(data.plotly).then((Plotly) => {
    if (chart.drawn !== drawing) return;  // a newer spec came while plotly.js loaded
    const figure = JSON.parse(data.spec);
    return Plotly.react(chart.graph, figure.data, figure.layout, JSON.parse(data.config));
  }).catch((error) => {
    chart.drawn = null;
    chart.graph.textContent = 'This chart could not be drawn: ' + error.message;
  });
  return chart.cleanup;
}
"""

_component = st.components.v2.component("knobs_live_chart", js=_JS, isolate_styles=False)
_copy_lock = threading.Lock()
#: Per static folder: whether plotly.js is there (checked once per server process).
_plotly_js_served: dict[Path, bool] = {}


def _same_content(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def static_dir() -> Path:
    """The folder Streamlit serves at /app/static for the script being run."""
    if STATIC_DIR is not None:
        return STATIC_DIR
    ctx = get_script_run_ctx(suppress_warning=True)
    return _static_dir_beside(ctx.main_script_path if ctx is not None else "")


@functools.lru_cache(maxsize=8)
def _static_dir_beside(main_script_path: str) -> Path:
    """Resolved once per script: this runs for every live chart on every knob move."""
    main_script = Path(main_script_path) if main_script_path else _REPO_ROOT / "app.py"
    return main_script.resolve().parent / "static"


def plotly_js_served() -> bool:
    """Make sure ``static/`` holds the pinned plotly.js; False if it cannot be written there.

    Checked once per folder and server process. The copy is written under a temporary name and
    renamed, so a browser never loads half a file.
    """
    folder = static_dir()
    with _copy_lock:
        if folder not in _plotly_js_served:
            target = folder / PLOTLY_JS
            try:
                if not _same_content(_PLOTLY_JS_SOURCE, target):
                    folder.mkdir(exist_ok=True)
                    with (
                        _PLOTLY_JS_SOURCE.open("rb") as source,
                        tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial,
                    ):
                        shutil.copyfileobj(source, partial)
                    os.chmod(partial.name, 0o644)
                    os.replace(partial.name, target)
                _plotly_js_served[folder] = True
            except OSError:
                _plotly_js_served[folder] = False
        return _plotly_js_served[folder]


def _plotly_js_url() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, "app/static", PLOTLY_JS) if part)


def live_chart(
    figure: go.Figure | dict[str, Any], *, key: str, config: dict[str, Any] | None = None
) -> None:
    """Show ``figure`` as ``st.plotly_chart(figure, theme=None)`` would, updated in place.

    ``key`` is required: it is what keeps the chart the same chart from one rerun to the next.
    ``config`` is plotly.js's config (modebar buttons, ``staticPlot``...), merged over
    :data:`DEFAULT_CONFIG`.
    """
    config = {**DEFAULT_CONFIG, **(config or {})}
    if not plotly_js_served():
        st.plotly_chart(figure, key=key, config=config, theme=None)
        return
    # to_dict, not .layout: for a read-only SpecFigure it hands out the spec as it is, and its
    # JSON is written once (a cached heavy figure costs nothing on the next knob move).
    spec = figure.to_dict() if isinstance(figure, go.Figure) else figure
    height = int(spec.get("layout", {}).get("height") or DEFAULT_HEIGHT)
    spec_json = (
        figure.spec_json if isinstance(figure, SpecFigure) else pio.to_json(spec, validate=False)
    )
    _component(
        key=key,
        data={
            "spec": spec_json,
            "config": json.dumps(config),
            "height": height,
            "plotly": _plotly_js_url(),
        },
        height=height,
    )
