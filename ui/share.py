"""The share link: the page's own address, with everything the learner set, and a copy button.

Why in the browser: the page's state lives in the URL, written by two hands, the server
(``write_query``: the function, knobs and ranges) and the browser itself (choices bound with
``bind="query-params"``, which the server hears of only on the next rerun). A link the server
composed would miss the newest choice; the address bar never does. So this small v2 component
(no iframe, in the page's own document) shows ``window.location.href`` when it is drawn, again
when it gets focus, and copies it at the moment of the click.

The address holds the learner's own text: it is only ever set as an input's value, never as HTML.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ parentElement, data }) {
  let root = parentElement.querySelector('.knobs-share');
  if (!root) {
    root = document.createElement('div');
    root.className = 'knobs-share';
    root.innerHTML =
      '<label></label>' +
      '<div class="knobs-share-row"><input type="text" readonly spellcheck="false">' +
      '<button type="button">Copy link</button></div>' +
      '<div class="knobs-share-status" role="status" aria-live="polite"></div>';
    parentElement.appendChild(root);
    const input = root.querySelector('input');
    const button = root.querySelector('button');
    const status = root.querySelector('.knobs-share-status');
    input.id = 'knobs-share-' + Math.random().toString(36).slice(2);
    root.querySelector('label').htmlFor = input.id;
    input.addEventListener('focus', () => {
      input.value = window.location.href;
      input.select();
    });
    button.addEventListener('click', async () => {
      input.value = window.location.href;
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = 'Link copied.';
      } catch (error) {
        input.focus();
        input.select();
        status.textContent = document.execCommand('copy')
          ? 'Link copied.'
          : 'Press Ctrl+C (or ⌘C) to copy the selected link.';
      }
    });
  }
  root.querySelector('label').textContent = data.label;
  root.querySelector('input').value = window.location.href;
}
"""

_CSS = """
.knobs-share label { display: block; font-size: 0.875rem; margin-bottom: 0.25rem; }
.knobs-share-row { display: flex; gap: 0.5rem; }
.knobs-share input {
  flex: 1; min-width: 0; font-family: monospace; font-size: 0.85rem; padding: 0.4rem 0.5rem;
  border: 1px solid #9ca3af; border-radius: 0.4rem; color: inherit; background: transparent;
}
.knobs-share button {
  padding: 0.4rem 0.8rem; border: 1px solid #9ca3af; border-radius: 0.4rem;
  background: transparent; color: inherit; cursor: pointer;
}
.knobs-share input:focus-visible, .knobs-share button:focus-visible {
  outline: 2px solid #2563eb; outline-offset: 1px;
}
.knobs-share-status { font-size: 0.8rem; min-height: 1.2em; margin-top: 0.2rem; }
"""

_component = st.components.v2.component("knobs_share_link", js=_JS, css=_CSS, isolate_styles=False)


def share_link(key: str, label: str = "Link to exactly this view") -> None:
    """The page's address as it is now (function, knobs, ranges, choices), and a copy button."""
    _component(key=key, data={"label": label})
