"""Shared UI helpers for Knobs' pages (every page imports from here; pages stay thin).

- ``setup_page(title)`` first on every page; ``idea(text)`` for the chapter's one paragraph.
- ``function_box(page, default=..., examples=[Example(...)])`` -> the VectorFunction to show.
- ``knob_sliders(page, variables)`` -> knob values, shape (m,); ``knob_query`` for the URL.
- ``jacobian_heatmap(...)``, ``error_curve_figure(...)``: pure figure builders.
- ``write_query(...)``, ``query_text``, ``query_float``: URL state, validated.
"""

from ui.figures import error_curve_figure, jacobian_heatmap
from ui.function_box import Example, cached_function, error_excerpt, function_box
from ui.knobs import KnobRange, knob_query, knob_range_editor, knob_sliders
from ui.page import idea, setup_page
from ui.url_state import number_text, query_float, query_text, write_query

__all__ = [
    "Example",
    "KnobRange",
    "cached_function",
    "error_curve_figure",
    "error_excerpt",
    "function_box",
    "idea",
    "jacobian_heatmap",
    "knob_query",
    "knob_range_editor",
    "knob_sliders",
    "number_text",
    "query_float",
    "query_text",
    "setup_page",
    "write_query",
]
