"""Shared UI helpers for Knobs' pages (every page imports from here; pages stay thin).

- ``setup_page(title)`` once, in the frame (app.py); ``idea(text)`` for a lesson's one paragraph.
- ``function_box(page, default=..., examples=[Example(...)])`` -> the VectorFunction to show.
- ``knob_sliders(page, variables)`` -> knob values, shape (m,), one range input per knob
  (``ui/knob_slider.py``); ``knob_query`` for the URL;
  ``knob_values`` reads them before the sliders are drawn, ``knob_controls`` (title, Reset,
  ranges) can be drawn outside a fragment.
- ``live_panel(page, ...)``: what a knob move reruns, the watched chart first (``ui/live.py``).
- ``live_chart(figure, key=...)``: a plotly chart updated in place (every chart that moves);
  ``layered_chart(base, overlay, key=...)``: light marks on a heavy figure sent once;
  ``let_the_browser_paint()`` right after the chart a knob move is about; ``knob_version``
  names a knob setting (the chart's version).
- ``jacobian_heatmap(...)``, ``error_curve_figure(...)``: pure figure builders;
  ``heatmap_legend_html()`` says what the heatmap's colours mean (no colour bar on the chart);
  ``heatmap_key(lead)`` draws it in a caption-sized line under a heatmap's heading.
- ``write_query(...)``, ``query_text``, ``query_float``: URL state, validated;
  ``UrlParam(name, key, default, options=...)`` (or ``bounds=``, ``step=``) declares a setting:
  ``seed()`` right before its widget, ``value()`` to read it where the widget may be drawn
  already (another fragment), ``query(value)`` into ``write_query``; its value is kept while its
  widget is absent. Every page's settings are declared so (ui/chain.py, ui/layers.py,
  ui/landscape_state.py, ui/rate.py).
"""

import ui.isolation  # noqa: F401 (registers the session hooks of the symbolic workers)
from ui.cache import per_function
from ui.chart_component import layered_chart, live_chart, live_charts_available
from ui.figures import error_curve_figure, heatmap_legend_html, jacobian_heatmap
from ui.function_box import (
    Example,
    cached_function,
    error_excerpt,
    example_menu,
    function_box,
)
from ui.knobs import (
    KnobRange,
    knob_controls,
    knob_query,
    knob_range,
    knob_range_editor,
    knob_route,
    knob_sliders,
    knob_values,
    knob_version,
)
from ui.live import live_panel
from ui.live_text import live_text
from ui.page import (
    formula,
    heatmap_key,
    idea,
    leave_pages_folder_mode,
    let_the_browser_paint,
    setup_page,
)
from ui.url_state import (
    UrlParam,
    check_offered,
    number_text,
    query_float,
    query_text,
    write_query,
)

__all__ = [
    "Example",
    "KnobRange",
    "UrlParam",
    "cached_function",
    "check_offered",
    "error_curve_figure",
    "error_excerpt",
    "example_menu",
    "formula",
    "function_box",
    "heatmap_key",
    "heatmap_legend_html",
    "idea",
    "jacobian_heatmap",
    "knob_controls",
    "knob_query",
    "knob_range",
    "knob_range_editor",
    "knob_route",
    "knob_sliders",
    "knob_values",
    "knob_version",
    "layered_chart",
    "let_the_browser_paint",
    "live_chart",
    "live_charts_available",
    "live_panel",
    "live_text",
    "number_text",
    "per_function",
    "query_float",
    "query_text",
    "setup_page",
    "write_query",
]

leave_pages_folder_mode()  # before any lesson draws (see its docstring)
