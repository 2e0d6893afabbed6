"""Page set-up shared by every page: config, look, and server settings that keep updates fast."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable

import streamlit as st
import sympy as sp

from calculus.export import typeset
from ui.figures import heatmap_legend_html

_CSS = """
<style>
  /* A calmer, denser work area: less empty space above the title, readable maths. */
  .block-container { padding-top: 2.2rem; padding-bottom: 3rem; max-width: 1280px; }
  [data-testid="stCaptionContainer"] { color: #4b5563; }
  .katex { font-size: 1.08em; }
  .knobs-idea { font-size: 1.02rem; color: #374151; margin-bottom: 0.4rem; }
  /* A chart whose key ends in "_overlay" sits exactly on the other chart in the same container
     and lets the pointer through: moving marks redraw, the heavy chart below stays. */
  [data-testid="stVerticalBlock"]:has(> [class*="_overlay"]) { position: relative; }
  [class*="st-key-"][class*="_overlay"] {
    position: absolute; top: 0; left: 0; right: 0; pointer-events: none; z-index: 1;
  }
  /* Live areas (containers keyed "live_..."): no fading of what a knob's rerun redraws.
     Streamlit fades a stale element after 0.5 s; starting and cancelling that fade on every
     knob move cost the browser about 6 ms per move, and the rerun is far quicker than 0.5 s. */
  [class*="st-key-live_"] [data-stale] { opacity: 1 !important; transition: none !important; }
  /* The heatmap's colour key (ui/figures.py: heatmap_legend_html), inline in a sentence. */
  .knobs-key { font-size: 0.875rem; color: #4b5563; margin-bottom: 0.4rem; }
  .knobs-legend {
    display: inline-flex; align-items: center; gap: 0.35rem; white-space: nowrap;
    font-size: 0.9em; color: #4b5563; vertical-align: middle;
  }
  .knobs-legend-bar {
    display: inline-block; width: 6.5rem; height: 0.75rem; border-radius: 3px;
    border: 1px solid #e5e7eb;
  }
  /* A container keyed "..._scrolls" holds a picture of a fixed size (the chain rule's graph):
     on a narrow screen it scrolls sideways rather than shrink its labels or clip them. */
  [class*="st-key-"][class*="_scrolls"] > .stElementContainer { overflow-x: auto; }
  /* A follower (ui/chart_component.py) is an empty element: no gap for it. */
  [class*="st-key-"][class*="_follower"] { display: none; }
</style>
"""

_gc_frozen = threading.Event()


def setup_page(title: str, icon: str = "🎛️") -> None:
    """Call first on every page: title, wide layout, the look, and a one-off GC freeze.

    Why the freeze: sympy leaves hundreds of thousands of long-lived objects; moving them out of
    the collector's sight keeps every later garbage collection (and so every update) short.
    """
    st.set_page_config(page_title=f"{title} · Knobs", page_icon=icon, layout="wide")
    st.markdown(_CSS, unsafe_allow_html=True)
    if not _gc_frozen.is_set():
        _gc_frozen.set()
        gc.collect()
        gc.freeze()


def heatmap_key(lead: str = "Row = output, column = knob.") -> None:
    """A caption-sized line under a heatmap's heading: ``lead``, then what its colours mean.

    Not ``st.caption``: a caption is drawn at 60% opacity, which would fade the colours too.
    """
    st.markdown(
        f'<div class="knobs-key">{lead} As a knob turns up, its output '
        f"{heatmap_legend_html()}</div>",
        unsafe_allow_html=True,
    )


def idea(text: str) -> None:
    """The page's one-paragraph idea from the chapter, under the title."""
    st.markdown(f'<div class="knobs-idea">{text}</div>', unsafe_allow_html=True)


#: Seconds a knob's rerun waits after sending what the learner is watching (see below). The
#: browser needs about 50-60 ms here to draw a live chart's new spec; with 30 ms the rest of the
#: page arrived first and the knob machine's median was 110-150 ms, with 70 ms 90-106 ms
#: (bench/browser.py, same machine).
FIRST_PAINT_PAUSE_S = 0.07


def let_the_browser_paint() -> None:
    """Pause the rerun briefly, right after the chart a knob move is about.

    A browser handles the messages of a rerun that arrive together in one go and paints only
    after the last: without this pause the chart waits for every element below it. Sleeping
    releases the GIL, so the server keeps serving other sessions meanwhile.
    """
    time.sleep(FIRST_PAINT_PAUSE_S)


def formula(make_latex: Callable[[], str], exprs: Iterable[sp.Expr], *, what: str) -> None:
    """Typeset a formula, or, when it is too large for a browser to lay out quickly, say so.

    Every symbolic display goes through here (``calculus.export.typeset`` holds the bounds), so
    no accepted function can freeze a learner's tab with its LaTeX.
    """
    latex, why = typeset(make_latex, exprs)
    if latex is None:
        st.info(
            f"{what} is too large to typeset here: {why}. The numbers and the pictures still work.",
            icon=":material/text_fields:",
        )
    else:
        st.latex(latex)
