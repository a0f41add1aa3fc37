"""`N` anywhere: a note for the incident timeline, stamped with the time the key was pressed."""

from __future__ import annotations

from datetime import UTC, datetime

from montui.ui.screens.prompt import Prompt


def _not_empty(text: str) -> str | None:
    return None if text.strip() else "Type the note (esc: no note)"


class NotePrompt(Prompt[str]):
    """Ask for one line of note; answers the text (the caller stamps it with `at`)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        stamp = at.astimezone(UTC).strftime("%H:%M:%S UTC")
        super().__init__(
            f"Note for the incident timeline, {stamp}",
            placeholder="what you saw, tried or decided",
            check=_not_empty,
            hint="kept on this machine, for montui timeline export",
        )
