"""Knobs: the frame around the lessons. One navigation, one set-up; each lesson is in pages/.

Run with ``streamlit run app.py``. The url paths are the ones the lessons had when they were
found by file name (``/Rate_of_change``, ...), so links made before the navigation still open.
"""

from __future__ import annotations

import streamlit as st

from ui import setup_page

#: (file under pages/, title in the navigation, icon, url path; "" is the home page).
LESSONS = [
    ("0_Knob_machine.py", "The knob machine", ":material/tune:", ""),
    ("1_Rate_of_change.py", "Rate of change", ":material/show_chart:", "Rate_of_change"),
    ("2_Gradient_landscape.py", "Gradient landscape", ":material/landscape:", "Gradient_landscape"),
    ("3_Chain_rule.py", "Chain rule", ":material/account_tree:", "Chain_rule"),
    ("4_ML_layers.py", "ML layers", ":material/stacks:", "ML_layers"),
]

navigation = st.navigation(
    [
        st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=not path)
        for file, title, icon, path in LESSONS
    ]
)
setup_page(navigation.title)  # config, look and server settings: once, for every lesson
navigation.run()
