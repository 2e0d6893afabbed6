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
import hashlib
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

from ui.figures import SpecFigure, description_of

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
const EVENT = '__EVENT__';
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
  // What the chart shows now, in words, for screen readers (a figure keeps its toolbar usable).
  if (data.description) {
    chart.graph.setAttribute('role', 'figure');
    chart.graph.setAttribute('aria-label', data.description);
  }
  const drawing = data.spec + data.config;
  if (chart.drawn === drawing) {  // byte-identical: leave it alone
    announce(data);
    return chart.cleanup;
  }
  chart.drawn = drawing;
  loadPlotly(data.plotly).then((Plotly) => {
    if (chart.drawn !== drawing) return;  // a newer spec came while plotly.js loaded
    const figure = JSON.parse(data.spec);
    return Plotly.react(chart.graph, figure.data, figure.layout, JSON.parse(data.config));
  }).catch((error) => {
    chart.drawn = null;
    chart.graph.textContent = 'This chart could not be drawn: ' + error.message;
  }).finally(() => announce(data));
  return chart.cleanup;
}

// Tells the knob sliders (ui/knob_slider.py) that this chart now shows `data.version`, once per
// version: a slider sends a drag's next move when the last one is drawn.
function announce(data) {
  if (data.version === null) return;
  const versions = (window.__knobsChartVersions ??= {});
  if (versions[data.key] === data.version) return;
  versions[data.key] = data.version;
  window.dispatchEvent(new CustomEvent(EVENT, {detail: {key: data.key, version: data.version}}));
}
"""

#: The window event by which a live chart tells the knob sliders what it now shows (a slider
#: sends a drag's next move once the last one is drawn).
LIVE_CHART_DRAWN = "knobs-live-chart-drawn"
#: The component's name (bench/load.py finds live charts by it).
LIVE_CHART_COMPONENT = "knobs_live_chart"
_copy_lock = threading.Lock()
#: Per static folder: whether plotly.js is there (checked once per server process).
_plotly_js_served: dict[Path, bool] = {}
#: Per (static folder, file name): whether a component's module is there.
_modules_served: dict[tuple[Path, str], bool] = {}


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


def _static_url(name: str) -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, "app/static", name) if part)


def _plotly_js_url() -> str:
    return _static_url(PLOTLY_JS)


def _write_atomically(folder: Path, name: str, content: bytes) -> None:
    """Write ``folder/name`` under a temporary name, then rename: never half a file served."""
    folder.mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial:
        partial.write(content)
    os.chmod(partial.name, 0o644)
    os.replace(partial.name, folder / name)


#: The JavaScript a lean component sends inline: it loads the real module once per page (the
#: browser keeps it) and hands it every render. The module's URL names its content's hash.
_LOADER_JS = (
    # Written short: it travels in every element. `d` is the module's cleanup for this render;
    # a render cleaned up before the module arrived is cleaned up as soon as it has run. The
    # newline tells Streamlit this is code, not a file path.
    "const m=import(location.origin+'__URL__');\n"
    "export default a=>{let d,g;m.then(n=>{const r=n.default(a);g&&r?r():d=r});"
    "return()=>{g=1;d&&d()}}"
)
#: A lean component's module adds its CSS to the page once (what ``css=`` would do).
_MODULE_CSS = """
if (!document.getElementById('__ID__')) {
  const style = document.createElement('style');
  style.id = '__ID__';
  style.textContent = __CSS__;
  document.head.appendChild(style);
}
"""


class LeanComponent:
    """A Streamlit v2 component whose JavaScript and CSS travel once per page, not per element.

    Why: Streamlit 1.67 puts a v2 component's ``js`` and ``css`` inline in every element it
    sends, so each knob slider re-sent ~5 KB of code on every knob move (the three sliders,
    the heatmap and a follower element since removed: ~18 of the ~23 KB a move cost, measured
    by bench/load.py).
    Here the code is written once per server process to ``static/knobs-<name>-<hash>.js``
    (served at /app/static like plotly.js), and the element carries a tiny loader that imports
    it. Where ``static/`` cannot be written or is not served, the component is sent inline.
    Call it like the component ``st.components.v2.component`` returns.
    """

    def __init__(self, name: str, *, js: str, css: str | None = None, **options: Any) -> None:
        module = js
        if css:
            style = _MODULE_CSS.replace("__ID__", f"{name}-style")
            module = style.replace("__CSS__", json.dumps(css)) + module
        digest = hashlib.sha256(module.encode()).hexdigest()[:12]
        self.file = f"knobs-{name}-{digest}.js"
        self.module = module.encode()
        loader = _LOADER_JS.replace("__URL__", _static_url(self.file))
        self._lean = st.components.v2.component(name, js=loader, **options)
        self._inline = st.components.v2.component(f"{name}_inline", js=js, css=css, **options)

    def served(self) -> bool:
        """Make sure the module is in ``static/`` (once per folder and process); False where it
        cannot be written or static serving is off (``server.enableStaticServing``)."""
        if not st.get_option("server.enableStaticServing"):
            return False
        folder = static_dir()
        with _copy_lock:
            if (folder, self.file) not in _modules_served:
                try:
                    target = folder / self.file
                    if not (target.is_file() and target.read_bytes() == self.module):
                        _write_atomically(folder, self.file, self.module)
                    _modules_served[folder, self.file] = True
                except OSError:
                    _modules_served[folder, self.file] = False
            return _modules_served[folder, self.file]

    def __call__(self, **kwargs: Any) -> Any:
        return (self._lean if self.served() else self._inline)(**kwargs)


_component = LeanComponent(
    LIVE_CHART_COMPONENT, js=_JS.replace("__EVENT__", LIVE_CHART_DRAWN), isolate_styles=False
)


def live_charts_available() -> bool:
    """Whether live charts are drawn here (else they fall back to ``st.plotly_chart``)."""
    return plotly_js_served()


def live_chart(
    figure: go.Figure | dict[str, Any],
    *,
    key: str,
    config: dict[str, Any] | None = None,
    version: str | None = None,
) -> None:
    """Show ``figure`` as ``st.plotly_chart(figure, theme=None)`` would, updated in place.

    ``key`` is required: it is what keeps the chart the same chart from one rerun to the next.
    ``config`` is plotly.js's config (modebar buttons, ``staticPlot``...), merged over
    :data:`DEFAULT_CONFIG`. ``version`` names what the figure shows (say, the knob setting):
    once the browser has drawn a new one, the knob sliders send a drag's next move. A figure's
    ``description`` (``SpecFigure``), what it shows now in words, becomes the chart's accessible
    name (a ``figure`` role).
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
            "key": key,
            "version": version,
            "description": description_of(figure),
        },
        height=height,
    )
