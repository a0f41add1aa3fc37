"""A one-line question in a small centred box: a time range, a name, a path, a term.

Enter answers (after `check`, whose error is shown under the input with the text kept);
esc answers None. A prompt built with `parse` answers what `parse` makes of the text (a
`ValueError` refuses it, shown like a `check` error): the typed boxes of `query_prompts.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast, overload

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

Check = Callable[[str], str | None]
"""The text typed → an error message to show, or None when the text is acceptable."""

AnswerT = TypeVar("AnswerT")


class Prompt(ModalScreen[AnswerT | None]):
    """Ask for one line of text; dismisses with the text (or what `parse` made of it), or
    None on esc."""

    DEFAULT_CSS = """
    Prompt {
        align: center middle;
    }
    Prompt > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    Prompt #prompt-title {
        text-style: bold;
    }
    Prompt Input {
        margin: 0;
    }
    Prompt #prompt-error {
        color: $error;
        height: auto;
    }
    Prompt #prompt-hint {
        color: $text-muted;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt_cancel",
                tooltip="Close without answering"),
    ]  # fmt: skip

    @overload
    def __init__(
        self: Prompt[str],
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        check: Check | None = None,
        hint: str = "",
    ) -> None: ...

    @overload
    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        parse: Callable[[str], AnswerT],
        hint: str = "",
    ) -> None: ...

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        check: Check | None = None,
        parse: Callable[[str], AnswerT] | None = None,
        hint: str = "",
    ) -> None:
        """`check` may refuse the text with a message, `parse` (raising `ValueError`) too;
        `hint` is shown under the input."""
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.parse: Callable[[str], AnswerT] = parse or cast(Callable[[str], AnswerT], str)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="prompt-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error")
            hint = Text(self.hint)
            hint.append(("  " if self.hint else "") + "⏎ ok  esc cancel", style="dim")
            yield Static(hint, id="prompt-hint")

    def on_mount(self) -> None:
        box = self.query_one("#prompt-input", Input)
        box.focus()
        box.cursor_position = len(box.value)

    @property
    def error(self) -> str:
        """The error shown under the input ("" when none)."""
        return str(self.query_one("#prompt-error", Static).render())

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        problem = self.check(text) if self.check is not None else None
        if not problem:
            try:
                answer = self.parse(text)
            except ValueError as exc:
                problem = str(exc)
        if problem:
            # "✖" so the refusal reads without colour too.
            self.query_one("#prompt-error", Static).update(Text(f"✖ {problem}"))
            return
        self.dismiss(answer)

    @on(Input.Changed, "#prompt-input")
    def _changed(self) -> None:
        self.query_one("#prompt-error", Static).update("")

    def action_cancel(self) -> None:
        """Close, answering None."""
        self.dismiss(None)
