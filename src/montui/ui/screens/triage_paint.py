"""Paint the triage screen's widgets only where their text changed (over SSH every byte
costs).

The screen re-renders on every poll of every source and on its 1 Hz age tick, mostly to the
same text. Refilling an `OptionList` or updating a `Static` with its layout pass repaints
far more than the line that changed (and, with the board open on top, the whole board: a
screen below the top one marks its dirty regions on the top one). Here a one-line `Static`
is updated only when its text differs, without a layout pass; an option list whose options
are the same ones repaints only the lines whose prompt changed, and is refilled only when the
options themselves changed (which may change its height). While another screen covers the
triage screen it paints nothing (`ui.covered`), and catches up when it is back on top.
"""

from __future__ import annotations

from rich.text import Text
from textual.visual import VisualType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


def same_text(a: object, b: object) -> bool:
    """Equal as shown: a rich `Text`'s plain text, base style and spans; else `==`."""
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b


def show_line(line: Static, text: Text) -> None:
    """Update a fixed-height `line` to `text` when it differs (no layout pass)."""
    if not same_text(line.content, text):
        line.update(text, layout=False)


def fill(options: OptionList, items: list[Option]) -> None:
    """Show `items`: the same options (ids, enabled) with new prompts are replaced in place
    (only the changed ones); other changes refill the list, keeping the highlighted one."""
    current = options.options
    if len(current) == len(items) and all(
        old.id == new.id and old.disabled == new.disabled
        for old, new in zip(current, items, strict=True)
    ):
        for index, (old, new) in enumerate(zip(current, items, strict=True)):
            if not same_text(old.prompt, new.prompt):
                replace_line(options, index, new.prompt)
        return
    keep = options.highlighted
    options.clear_options()
    options.add_options(items)
    if keep is not None and items:
        options.highlighted = min(keep, len(items) - 1)


def replace_line(options: OptionList, index: int, prompt: VisualType) -> None:
    """Replace the prompt of the option at `index`, repainting its line only: a one-line
    prompt in place of a one-line prompt (a row whose age moved on). `OptionList`'s own
    `replace_option_prompt_at_index` repaints the whole list; this uses its caches (textual
    is pinned in pyproject; `tests/test_ui_idle_bytes.py` covers it). Anything else: the
    public call."""
    cache = options._line_cache
    line = cache.index_to_line.get(index)
    single = isinstance(prompt, Text) and prompt.no_wrap and "\n" not in prompt.plain
    if line is None or cache.heights.get(index) != 1 or not single:
        options.replace_option_prompt_at_index(index, prompt)
        return
    options.get_option_at_index(index)._set_prompt(prompt)
    options._option_render_cache.clear()
    options.refresh_line(line)
