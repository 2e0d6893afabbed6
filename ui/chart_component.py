"""A plotly chart that updates in place: ``live_chart(figure, key=...)``, for charts that move.

Why not ``st.plotly_chart``: Streamlit 1.67 derives a chart's element id from its spec, so a
new spec unmounts the old chart and builds a new one from scratch in the browser (a new React
subtree, ``Plotly.newPlot``, a new modebar): about 60 ms more per knob move than updating it,
measured on our 2-core machines (``bench/browser.py``). This component keeps one plotly graph
per key and hands each new spec to ``Plotly.react``, which updates the graph in place, and
does nothing at all when the spec is byte-identical. A heavy figure under light marks is one
``layered_chart(base, overlay, ...)``: two graphs stacked in one element, the base's bytes sent
once per session.

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

from ui.figures import SpecFigure, description_of, spec_digest, stacked

#: Streamlit serves ``static/`` beside the main script (app.py) at ``/app/static`` when
#: ``server.enableStaticServing`` is on (.streamlit/config.toml). None: beside the script being
#: run (a benchmark page in bench/ gets bench/static/); tests set a folder of their own.
STATIC_DIR: Path | None = None
PLOTLY_JS = f"plotly-{plotly.__version__}.min.js"
_PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HEIGHT = 450
DEFAULT_CONFIG: dict[str, Any] = {"displaylogo": False}

#: plotly.js, loaded once per page from the static folder (shared by the chart components).
_LOAD_PLOTLY_JS = """
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
"""
#: Tells the knob sliders what a chart now shows (shared by the chart components).
_ANNOUNCE_JS = """
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

_JS = """
const EVENT = '__EVENT__';
const charts = new WeakMap();

__LOAD_PLOTLY__

__ROUTE__

function draw(chart, data) {
  chart.graph.style.minHeight = data.height + 'px';  // no jump while plotly.js loads
  // What the chart shows now, in words, for screen readers (a figure keeps its toolbar usable).
  if (data.description) {
    chart.graph.setAttribute('role', 'figure');
    chart.graph.setAttribute('aria-label', data.description);
  }
  const drawing = data.spec + data.config;
  if (chart.drawn === drawing) {  // byte-identical: leave it alone
    announce(data);
    return;
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
    // A knob's drag answered by the moves route redraws the chart in place.
    const unlisten = routed(data.key, (moved) => draw(chart, moved));
    // Called when the chart leaves the page, and possibly while a newer spec is drawn here.
    const cleanup = () => {
      if (parentElement.isConnected) return;  // still on the page: keep the graph
      resized.disconnect();
      unlisten();
      if (window.Plotly) window.Plotly.purge(graph);
      charts.delete(parentElement);
    };
    chart = { graph, drawn: null, cleanup };
    charts.set(parentElement, chart);
  }
  if (!stale(data)) draw(chart, data);
  return chart.cleanup;
}

__ANNOUNCE__
"""

#: A layered chart: a heavy base (curves, a contour map, a surface) under a light overlay (the
#: marks a knob moves), two plotly graphs stacked in one element. The base travels once per
#: session and version (see :func:`layered_chart`); the window keeps the recently drawn bases by
#: version, and a base this browser lacks (a remount after the cache dropped it, a message
#: replaced before it was drawn) is asked for with the trigger ``missing``.
_LAYERED_JS = """
const EVENT = '__EVENT__';
// Bases kept per window: a page's charts and a setting or two before (a page or view switch
// and back finds its base here). A base is a spec of tens to hundreds of KB.
const KEPT_BASES = 8;
const charts = new WeakMap();

__LOAD_PLOTLY__

function keepBase(version, base) {
  const kept = (window.__knobsBases ??= new Map());
  kept.delete(version);
  kept.set(version, base);  // the most recently used last: the first one goes first
  while (kept.size > KEPT_BASES) kept.delete(kept.keys().next().value);
}

function recallBase(version) {
  const base = window.__knobsBases?.get(version);
  if (base !== undefined) keepBase(version, base);
  return base;
}

// Resolves once the browser has painted what is drawn now (a frame, then a task after it).
const painted = () => new Promise((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
});

function layer(box, name) {
  const graph = document.createElement('div');
  graph.className = 'knobs-layer-' + name;
  box.appendChild(graph);
  return { graph, drawn: null };
}

export default function ({ data, parentElement, setTriggerValue }) {
  let chart = charts.get(parentElement);
  if (!chart) {
    const box = document.createElement('div');
    box.className = 'knobs-layered-chart';
    box.style.position = 'relative';
    const base = layer(box, 'base');
    const overlay = layer(box, 'overlay');
    // Exactly on the base, transparent (in the dark theme too: the white card is the base's),
    // and letting the pointer through to the base's hovers.
    Object.assign(overlay.graph.style, {
      position: 'absolute', top: '0', left: '0', right: '0', zIndex: '1',
      pointerEvents: 'none', background: 'transparent',
    });
    parentElement.appendChild(box);
    const resized = new ResizeObserver(() => {
      if (!window.Plotly) return;
      for (const one of [chart.base, chart.overlay]) {
        if (one.drawn !== null) window.Plotly.Plots.resize(one.graph);
      }
    });
    resized.observe(box);
    const cleanup = () => {
      if (parentElement.isConnected) return;  // still on the page: keep the graphs
      resized.disconnect();
      for (const one of [chart.base, chart.overlay]) window.Plotly?.purge(one.graph);
      charts.delete(parentElement);
    };
    chart = { box, base, overlay, asked: null, cleanup };
    charts.set(parentElement, chart);
  }
  chart.box.style.minHeight = data.height + 'px';  // no jump while plotly.js loads
  if (data.description) {
    chart.box.setAttribute('role', 'figure');
    chart.box.setAttribute('aria-label', data.description);
  }
  const sent = data.base === null ? null : { spec: data.base, config: data.base_config };
  if (sent !== null) keepBase(data.base_version, sent);
  let base = null;  // the base to draw, if it changed
  if (chart.base.drawn !== data.base_version) {
    base = sent ?? recallBase(data.base_version) ?? null;
    if (base === null) {
      // Sent to this session before, but not here. Never a stale base under the new overlay;
      // ask once per answer of the server's (`asks` counts its answers: a second request
      // waits for the first one's).
      chart.base.drawn = null;
      chart.base.graph.style.visibility = 'hidden';
      if (chart.asked !== data.asks) {
        chart.asked = data.asks;
        setTriggerValue('missing', data.base_version);
      }
    } else {
      chart.base.drawn = data.base_version;
    }
  }
  const drawing = data.spec + data.config;
  const overlayNew = chart.overlay.drawn !== drawing;
  if (!overlayNew && base === null) {
    announce(data);
    return chart.cleanup;
  }
  chart.overlay.drawn = drawing;
  const plotly = loadPlotly(data.plotly);
  // The overlay first: it is what the learner watches, and it is light.
  const overlayDrawn = plotly.then((Plotly) => {
    if (!overlayNew || chart.overlay.drawn !== drawing) return;  // nothing new, or newer came
    const figure = JSON.parse(data.spec);
    return Plotly.react(chart.overlay.graph, figure.data, figure.layout, JSON.parse(data.config));
  }).catch((error) => {
    chart.overlay.drawn = null;
    chart.overlay.graph.textContent = 'This chart could not be drawn: ' + error.message;
  }).finally(() => announce(data));
  if (base !== null) {
    // The base once the overlay is painted: a heavy figure never holds up the marks.
    const version = data.base_version;
    overlayDrawn.then(painted).then(() => plotly).then((Plotly) => {
      if (chart.base.drawn !== version) return;  // a newer base came meanwhile
      const figure = JSON.parse(base.spec);
      chart.base.graph.style.visibility = '';
      return Plotly.react(chart.base.graph, figure.data, figure.layout, JSON.parse(base.config));
    }).catch((error) => {
      chart.base.drawn = null;
      chart.base.graph.textContent = 'This chart could not be drawn: ' + error.message;
    });
  }
  return chart.cleanup;
}

__ANNOUNCE__
"""

#: The window event by which the knob sliders hand a moves-route reply to the components it
#: names (``ui/moves_route.py``).
ROUTE_MOVED = "knobs-route-moved"
#: Shared by the components a moves-route reply redraws (live charts, ``ui/live_text.py``).
#: ``routed(key, draw)`` calls ``draw(data)`` with each reply's data for ``key``;
#: ``stale(data)`` is true of a script run's data for a component the route has drawn since the
#: sliders last sent their values to Streamlit: newer, and the run that draws it is on its way.
ROUTE_JS = """
const MOVED = '__MOVED__';
const ROUTE = (window.__knobsRoute ??= { ahead: false, keys: new Set() });
function routed(key, draw) {
  const heard = (event) => {
    const data = event.detail.parts[key];
    if (data) draw(data);
  };
  window.addEventListener(MOVED, heard);
  return () => window.removeEventListener(MOVED, heard);
}
const stale = (data) => ROUTE.ahead && ROUTE.keys.has(data.key);
""".strip().replace("__MOVED__", ROUTE_MOVED)

#: The window event by which a live chart tells the knob sliders what it now shows (a slider
#: sends a drag's next move once the last one is drawn).
LIVE_CHART_DRAWN = "knobs-live-chart-drawn"
#: The components' names (bench/load.py finds live charts by them).
LIVE_CHART_COMPONENT = "knobs_live_chart"
LAYERED_CHART_COMPONENT = "knobs_layered_chart"
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


def served_url(path: str) -> str:
    """``path`` ('app/static/x.js', '/knobs/moves') as the browser reaches it on this server:
    under ``server.baseUrlPath``, if one is set."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, path.strip("/")) if part)


def _static_url(name: str) -> str:
    return served_url(f"app/static/{name}")


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


def _chart_js(js: str) -> str:
    return (
        js.replace("__LOAD_PLOTLY__", _LOAD_PLOTLY_JS.strip())
        .replace("__ANNOUNCE__", _ANNOUNCE_JS.strip())
        .replace("__EVENT__", LIVE_CHART_DRAWN)
        .replace("__ROUTE__", ROUTE_JS)
    )


_component = LeanComponent(LIVE_CHART_COMPONENT, js=_chart_js(_JS), isolate_styles=False)
_layered = LeanComponent(LAYERED_CHART_COMPONENT, js=_chart_js(_LAYERED_JS), isolate_styles=False)


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
    if not plotly_js_served():
        st.plotly_chart(figure, key=key, config={**DEFAULT_CONFIG, **(config or {})}, theme=None)
        return
    data = chart_data(figure, key=key, config=config, version=version)
    _component(key=key, data=data, height=data["height"])


def chart_data(
    figure: go.Figure | dict[str, Any],
    *,
    key: str,
    config: dict[str, Any] | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """What the live chart ``key`` is given to show ``figure`` (:func:`live_chart`): also what
    the moves route sends it (``ui/moves_route.py``)."""
    return {
        "spec": _spec_json(figure),
        "config": json.dumps({**DEFAULT_CONFIG, **(config or {})}),
        "height": _height(figure),
        "plotly": _plotly_js_url(),
        "key": key,
        "version": version,
        "description": description_of(figure),
    }


def _spec(figure: go.Figure | dict[str, Any]) -> dict[str, Any]:
    # to_dict, not .layout: for a read-only SpecFigure it hands out the spec as it is.
    return figure.to_dict() if isinstance(figure, go.Figure) else figure


def _spec_json(figure: go.Figure | dict[str, Any]) -> str:
    """The figure's JSON; a SpecFigure's is written once (a cached heavy figure costs nothing
    on the next knob move)."""
    if isinstance(figure, SpecFigure):
        return figure.spec_json
    return pio.to_json(_spec(figure), validate=False)


def _height(*figures: go.Figure | dict[str, Any]) -> int:
    return max(int(_spec(f).get("layout", {}).get("height") or DEFAULT_HEIGHT) for f in figures)


#: Versions of its base a session remembers sending to a layered chart (the browser keeps
#: more, KEPT_BASES in the JavaScript): a base that comes back (a checkbox turned off again)
#: is not sent again.
SENT_BASES = 4


def layered_chart(
    base: go.Figure | dict[str, Any],
    overlay: go.Figure | dict[str, Any],
    *,
    key: str,
    version: str | None = None,
    base_config: dict[str, Any] | None = None,
    overlay_config: dict[str, Any] | None = None,
) -> None:
    """``overlay`` drawn exactly on ``base``, in one element: a heavy figure (curves, a contour
    map, a surface) under the light marks that move with the knobs.

    The two figures share their geometry (height, margins, fixed axis ranges: the pages'
    frames); the overlay is transparent and lets the pointer through to the base. ``key``,
    ``version`` and the description (the overlay's) work as for :func:`live_chart`: the
    version is announced once the overlay is drawn. Configs are plotly.js's, per layer.

    Why one element: the overlay is drawn first and the base after it has been painted (a
    heavy figure never holds up the marks), the base's bytes travel once, and no page CSS
    stacks two elements. The element carries the base only when this session has not sent it
    (by content: spec and config) to ``key`` yet, else only its version: a knob move sends the
    overlay alone. The browser keeps recently drawn bases by version; one that lacks the base
    it is told to draw (a remount after its cache dropped it, a message replaced before it was
    drawn) asks for it, and the callback forgets what was sent: the rerun that follows (the
    chart's fragment: the live panel's) sends it.

    Without live charts: one ``st.plotly_chart`` of the base with the overlay's marks on it.
    """
    base_config = {**DEFAULT_CONFIG, **(base_config or {})}
    overlay_config = {**DEFAULT_CONFIG, **(overlay_config or {})}
    if not plotly_js_served():
        st.plotly_chart(stacked(_figure(base), _figure(overlay)), key=key, config=base_config,
                        theme=None)  # fmt: skip
        return
    base_json, base_config_json = _spec_json(base), json.dumps(base_config)
    digest = base.digest if isinstance(base, SpecFigure) else spec_digest(base_json)
    base_version = spec_digest(f"{digest}|{base_config_json}")
    sent: tuple[str, ...] = st.session_state.get(_bases_key(key), ())
    new = base_version not in sent
    if new:
        st.session_state[_bases_key(key)] = (*sent, base_version)[-SENT_BASES:]
    height = _height(base, overlay)
    _layered(
        key=key,
        data={
            "spec": _spec_json(overlay),
            "config": json.dumps(overlay_config),
            "base": base_json if new else None,
            "base_config": base_config_json if new else None,
            "base_version": base_version,
            "asks": st.session_state.get(_asks_key(key), 0),
            "height": height,
            "plotly": _plotly_js_url(),
            "key": key,
            "version": version,
            "description": description_of(overlay) or description_of(base),
        },
        height=height,
        on_missing_change=functools.partial(_send_base_again, key),
    )


def _figure(figure: go.Figure | dict[str, Any]) -> go.Figure:
    return figure if isinstance(figure, go.Figure) else SpecFigure(figure)


def _send_base_again(key: str) -> None:
    """The browser lacks the base it was told to draw: send it with the next drawing (the
    rerun of the chart's fragment that the request brings)."""
    st.session_state[_bases_key(key)] = ()
    st.session_state[_asks_key(key)] = st.session_state.get(_asks_key(key), 0) + 1


def _bases_key(key: str) -> str:
    return f"_layered_bases_{key}"


def _asks_key(key: str) -> str:
    return f"_layered_asks_{key}"
