"""Page set-up shared by every page: config, look, and server settings that keep updates fast."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable

import streamlit as st
import sympy as sp
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from calculus.export import typeset
from ui.figures import heatmap_legend_html
from ui.server_tuning import tune_server

_CSS = """
<style>
  /* A calmer, denser work area: less empty space above the title, readable maths. */
  .block-container { padding-top: 2.2rem; padding-bottom: 3rem; max-width: 1280px; }
  /* On a phone the columns stack: a column left empty (kept for the layout at desktop width)
     would leave a gap the height of the columns' spacing. */
  @media (max-width: 640px) {
    [data-testid="stColumn"]:not(:has([data-testid="stVerticalBlock"] > *)) { display: none; }
  }
  /* Captions at full strength: Streamlit's 60% opacity left them at 2.9:1 (WCAG AA: 4.5:1). */
  [data-testid="stCaptionContainer"] { color: #4b5563; opacity: 1; }
  /* A formula wider than its column scrolls sideways (and is focusable, see _A11Y_JS); only
     sideways: KaTeX's few pixels of vertical overflow would make every formula a tab stop. */
  .katex-display { overflow-y: hidden; }
  /* Keyboard focus always visible, in one style (WCAG 2.4.7): links (the sidebar's pages too),
     buttons (segmented controls, pills), scrolling areas, sliders, and, where the native input
     is hidden (radios, checkboxes, toggles), the option around it. Streamlit's own rings were
     none (sidebar links, toggles, radios) or a half-transparent shadow. Text fields and
     select boxes show focus by their border. */
  :is(a, button, summary, [tabindex]:not(input), input[type="range"]):focus-visible,
  label:has(input:is([type="radio"], [type="checkbox"]):focus-visible) {
    outline: 2px solid #1d4ed8 !important; outline-offset: 2px;
  }
  label:has(input:is([type="radio"], [type="checkbox"]):focus-visible) { border-radius: 4px; }
  /* The page's main area (a tab stop, for scrolling): its ring inside, not off the screen. */
  .stMain:focus-visible { outline-offset: -3px; }
  /* Code in one dark colour: the highlighter's blue was 3.7:1 on the code background. */
  [data-testid="stCode"] .token { color: #1f2937 !important; }
  .katex { font-size: 1.08em; }
  .knobs-idea { font-size: 1.02rem; color: #374151; margin-bottom: 0.4rem; }
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
  /* Predict mode's verdict (ui/predict.py): announced (role="alert"), coloured by outcome. */
  .knobs-verdict { padding: 0.75rem 1rem; border-radius: 0.5rem; margin: 0.25rem 0 0.75rem; }
  .knobs-verdict.right { background: #dcfce7; color: #14532d; }
  .knobs-verdict.wrong { background: #fef3c7; color: #713f12; }
  /* The accessibility helper (_A11Y_JS) draws nothing: no gap for it. */
  .st-key-knobs_a11y { display: none; }
  /* A container keyed "..._scrolls" holds a picture of a fixed size (the chain rule's graph):
     on a narrow screen it scrolls sideways rather than shrink its labels or clip them. */
  [class*="st-key-"][class*="_scrolls"] > .stElementContainer { overflow-x: auto; }
  /* The dark theme (data-knobs-theme, set by _A11Y_JS from the app's background): our own
     greys and blues lightened to keep 4.5:1, and every chart on a white card, so that its
     colours, its dark text and the heatmap's per-cell text contrast stay as in the light
     theme. A layered chart's overlay stays transparent on its base's card (its own style,
     ui/chart_component.py). */
  [data-knobs-theme="dark"] [data-testid="stCaptionContainer"],
  [data-knobs-theme="dark"] .knobs-key, [data-knobs-theme="dark"] .knobs-legend,
  [data-knobs-theme="dark"] .knobs-slider-ends { color: #c5cad3; }
  [data-knobs-theme="dark"] .knobs-idea { color: #d1d5db; }
  [data-knobs-theme="dark"] [data-testid="stCode"] .token { color: #e5e7eb !important; }
  [data-knobs-theme="dark"] .knobs-slider { --knobs-primary: #60a5fa !important; }
  [data-knobs-theme="dark"] :is(a, button, summary, [tabindex]:not(input),
    input[type="range"]):focus-visible,
  [data-knobs-theme="dark"] label:has(input:is([type="radio"], [type="checkbox"]):focus-visible) {
    outline-color: #60a5fa !important;
  }
  [data-knobs-theme="dark"] .js-plotly-plot { background: #ffffff; border-radius: 6px; }
  [data-knobs-theme="dark"] .knobs-legend-bar { border-color: #6b7280; }
</style>
"""

#: Keyboard access to what scrolls: a formula wider than its column, or a fixed-height area
#: taller than its box, gets a tab stop and a name, so it can be scrolled with the arrow keys
#: (WCAG 2.1.1). Runs in the page's document
#: (no iframe) and watches for formulas drawn later.
_A11Y_JS = r"""
export default function () {
  if (window.knobsA11y) return;
  window.knobsA11y = true;
  const mark = () => {
    const areas = '.katex-display, [data-testid="stVerticalBlock"][overflow="auto"], '
      + '[class*="_scrolls"] > .stElementContainer';
    for (const block of document.querySelectorAll(areas)) {
      const wide = block.scrollWidth > block.clientWidth + 1
        || (block.matches('[overflow="auto"]') && block.scrollHeight > block.clientHeight + 1);
      if (wide && !block.hasAttribute('tabindex')) {
        const what = block.matches('.katex-display') ? 'Formula'
          : block.matches('.stElementContainer') ? 'Picture' : 'Scrolling area';
        block.setAttribute('tabindex', '0');
        block.setAttribute('role', 'region');
        block.setAttribute('aria-label', what + ' (scroll with the arrow keys)');
      } else if (!wide && block.getAttribute('tabindex') === '0') {
        block.removeAttribute('tabindex');
        block.removeAttribute('role');
        block.removeAttribute('aria-label');
      }
    }
  };
  // Plotly's toolbars put 8 buttons per chart in the tab order, before the next knob: keep
  // only "Download plot as a PNG" reachable by keyboard (the rest are mouse tools).
  const toolbars = () => {
    for (const button of document.querySelectorAll('.modebar-btn')) {
      const keep = (button.getAttribute('data-title') || '').startsWith('Download');
      if (!keep && button.getAttribute('tabindex') !== '-1') button.setAttribute('tabindex', '-1');
    }
  };
  // Predict mode (ui/predict.py): focus follows what the learner asked for (WCAG 2.4.3). After
  // the switch or Next question, the new question's answer field takes the focus; after Check
  // my answer, Next question does. So a cycle by keyboard is: type, Enter; Space for the next.
  const card = '[class*="st-key-"][class*="_predict"]';
  let pending = null;
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest('.st-key-predict') || target.closest(card + ' [class*="_next"]')) {
      pending = { want: 'answer', at: Date.now() };
    } else if (target.closest(card + ' [data-testid="stFormSubmitButton"]')) {
      pending = { want: 'next', at: Date.now() };
    }
  }, true);
  const follow = () => {
    if (!pending) return;
    if (Date.now() - pending.at > 20000) { pending = null; return; }
    const field = pending.want === 'answer'
      ? document.querySelector(card + ' input[type="text"], ' + card + ' input[type="radio"]')
      : document.querySelector(card + ' [class*="_next"] button');
    if (field && !field.closest('[data-stale="true"]')) { field.focus(); pending = null; }
  };
  // Light or dark, from the background Streamlit's theme gives the app: our CSS follows it
  // (the theme follows the system setting, or the learner's choice in the app's menu).
  const theme = () => {
    const app = document.querySelector('.stApp');
    const rgb = app && getComputedStyle(app).backgroundColor.match(/[\d.]+/g);
    if (!rgb) return;
    const dark = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 128;
    const wanted = dark ? 'dark' : 'light';
    if (document.documentElement.dataset.knobsTheme !== wanted) {
      document.documentElement.dataset.knobsTheme = wanted;
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; mark(); toolbars(); follow(); });
  }).observe(document.body, { childList: true, subtree: true });
  window.addEventListener('resize', mark);
  mark();
  // A theme change restyles the app (a new class on it); nothing else needs watching for it.
  const app = document.querySelector('.stApp');
  if (app) new MutationObserver(theme).observe(app, { attributeFilter: ['class'] });
  theme();
}
"""
_a11y = st.components.v2.component("knobs_a11y", js=_A11Y_JS, isolate_styles=False)

_gc_frozen = threading.Event()


def leave_pages_folder_mode() -> None:
    """End Streamlit's old multipage mode at once, so every lesson runs inside app.py's frame.

    Why: with a ``pages/`` folder beside app.py, Streamlit starts each server in its old mode, in
    which a lesson linked directly (``/Chain_rule?...``) as a fresh server's first page runs on
    its own: no setup_page, no look, no accessibility helper. Only app.py's ``st.navigation``
    ends that mode, and app.py does not run then. Called when ``ui`` is first imported (every
    lesson imports it): end the mode as ``st.navigation`` does, and run again, now through
    app.py, which opens the same lesson from its URL. Imported outside a run (``asgi.py``
    imports ``ui`` as the server starts, before any session), it ends the mode before it begins.
    """
    if get_script_run_ctx() is None:
        PagesManager.uses_pages_directory = False
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def setup_page(title: str, icon: str = "🎛️") -> None:
    """Once per run, in the frame (app.py), for the lesson titled ``title``: the browser tab's
    title, wide layout, the look, the accessibility helper, and once per process a GC freeze
    and the server settings Streamlit has no option for (``ui/server_tuning.py``).

    Why the freeze: sympy leaves hundreds of thousands of long-lived objects; moving them out of
    the collector's sight keeps every later garbage collection (and so every update) short.
    """
    st.set_page_config(page_title=f"{title} · Knobs", page_icon=icon, layout="wide")
    st.markdown(_CSS, unsafe_allow_html=True)
    _a11y(key="knobs_a11y")
    if not _gc_frozen.is_set():
        _gc_frozen.set()
        tune_server()  # what Streamlit has no option for (ui/server_tuning.py)
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
