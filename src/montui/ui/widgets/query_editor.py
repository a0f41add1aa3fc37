"""The Logs Insights query editor: a TextArea coloured by montui's own tokenizer
(`model.insights_syntax`; tree-sitter has no Logs Insights grammar), with the place AWS
pointed at in a malformed query marked until the text changes, and recall of earlier queries
(the workbench binds the keys, so that they work wherever its focus is).

Highlights are Textual's per-line (start byte, end byte, name) triples, built by overriding
`TextArea._build_highlight_map` (a private hook; Textual is pinned and tests cover it).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from montui.model.insights_syntax import TokenKind, tokens

_STYLES: dict[str, Style] = {
    TokenKind.COMMAND.name: Style(color="#c586c0", bold=True),
    TokenKind.KEYWORD.name: Style(color="#569cd6"),
    TokenKind.FUNCTION.name: Style(color="#dcdcaa"),
    TokenKind.FIELD.name: Style(color="#9cdcfe"),
    TokenKind.STRING.name: Style(color="#ce9178"),
    TokenKind.REGEX.name: Style(color="#d16969"),
    TokenKind.NUMBER.name: Style(color="#b5cea8"),
    TokenKind.OPERATOR.name: Style(color="#d4d4d4"),
    TokenKind.PIPE.name: Style(color="#808080", bold=True),
    TokenKind.COMMENT.name: Style(color="#6a9955", italic=True),
    "ERROR": Style(color="#ffffff", bgcolor="#b00020", bold=True, underline=True),
}

THEME = TextAreaTheme(name="montui-insights", syntax_styles=_STYLES)


class QueryEditor(TextArea):
    """A multi-line Logs Insights query with syntax colours and an error mark."""

    DEFAULT_CSS = """
    QueryEditor {
        height: 4;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    QueryEditor:focus {
        border: none;  /* TextArea's focus border would take two of the four lines */
        background: $panel;
    }
    """

    BINDINGS = [
        Binding("ctrl+l", "clear_query", "Clear", id="editor_clear", show=False,
                tooltip="In the editor: clear the query (ctrl+z brings it back)"),
    ]  # fmt: skip

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        # Set before TextArea's __init__, which builds the first highlight map.
        self.error_span: tuple[int, int] | None = None
        self.recall_list: Sequence[str] = ()
        self._recall_at = -1
        self._draft = ""
        super().__init__(text, id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.register_theme(THEME)
        self.theme = THEME.name

    def mark_error(self, start: int | None, end: int | None) -> None:
        """Mark [start, end) of the text (character offsets, as AWS gives them) until the
        next edit; None: only the first character of the line is marked."""
        if start is None:
            self.error_span = None
        else:
            stop = end if end is not None and end > start else start + 1
            self.error_span = (start, min(stop, max(len(self.text), start + 1)))
            self.move_cursor(self._location(start))
        self._build_highlight_map()
        self.refresh()

    def set_query(self, text: str) -> None:
        """Replace the text (an undoable edit), cursor at the end."""
        self.error_span = None
        self.load_text(text)
        self.move_cursor(self.document.end)

    def action_clear_query(self) -> None:
        """Delete the whole text as one edit (undo restores it)."""
        self.delete((0, 0), self.document.end)

    def _recalled(self, step: int) -> int | None:
        """Where a walk of `step` (1 = older, -1 = newer) through the history lands: an index,
        -1 for the draft, None past either end. Queries the same as the draft are skipped
        (`w` opens with the last query: ctrl+↑ must not "recall" the text already shown)."""
        draft = (self.text if self._recall_at == -1 else self._draft).strip()
        at = self._recall_at + step
        while 0 <= at < len(self.recall_list) and self.recall_list[at].strip() == draft:
            at += step
        return at if -1 <= at < len(self.recall_list) else None

    def recall_reason(self, step: int) -> str | None:
        """Why a walk of `step` would do nothing (None: it would recall a query)."""
        if self._recalled(step) is not None:
            return None
        if step > 0:
            return "No earlier query in the history"
        return "No later query: this is the newest"

    def recall(self, step: int) -> None:
        """Walk the history: 1 = older, -1 = newer; past the newest, the draft comes back."""
        at = self._recalled(step)
        if at is None:
            return
        if self._recall_at == -1:
            self._draft = self.text
        self._recall_at = at
        self.set_query(self._draft if at == -1 else self.recall_list[at])

    def _on_text_area_changed(self, _event: TextArea.Changed) -> None:
        if self.error_span is not None:
            self.error_span = None
            self._build_highlight_map()

    def _location(self, offset: int) -> tuple[int, int]:
        before = self.text[:offset]
        row = before.count("\n")
        return row, offset - (before.rfind("\n") + 1)

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        text = self.text
        spans = [(t.start, t.end, t.kind.name) for t in tokens(text) if t.kind.name in _STYLES]
        if self.error_span is not None:
            spans.append((*self.error_span, "ERROR"))
        if not spans:
            return
        line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                line_starts.append(index + 1)
        lines = text.split("\n")
        for start, end, name in spans:
            row = _row_of(line_starts, start)
            while start < end and row < len(lines):
                line_start = line_starts[row]
                line = lines[row]
                line_end = line_start + len(line)
                stop = min(end, line_end)
                if stop > start or (name == "ERROR" and start == line_end):
                    first = len(line[: start - line_start].encode())
                    last = len(line[: stop - line_start].encode())
                    highlights[row].append((first, max(last, first + 1), name))
                start = line_end + 1
                row += 1


def _row_of(line_starts: Sequence[int], offset: int) -> int:
    row = 0
    for index, line_start in enumerate(line_starts):
        if line_start > offset:
            break
        row = index
    return row
