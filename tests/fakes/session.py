"""A scripted `Session`: the regions it "connects" to, a connect error on demand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from montui.feeds.session import Connection, Session


class FakeSession:
    """`connect` answers `regions` (or raises `connect_error`); `close` runs the hooks and
    sets `closed`."""

    def __init__(
        self,
        regions: tuple[str, ...],
        *,
        profile: str | None = "prod",
        connect_error: Exception | None = None,
    ) -> None:
        self.regions = regions
        self.profile = profile
        self.connect_error = connect_error
        self.closed = False
        self.rows_shown_calls = 0
        self.hooks: list[Callable[[], Awaitable[object]]] = []

    async def connect(self) -> Connection:
        if self.connect_error:
            raise self.connect_error
        return Connection(profile=self.profile, regions=self.regions, endpoint=None)

    def rows_shown(self) -> None:
        self.rows_shown_calls += 1

    async def close(self) -> None:
        for hook in self.hooks:
            await hook()
        self.closed = True


_check: Session = FakeSession(())
