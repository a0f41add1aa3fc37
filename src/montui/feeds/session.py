"""The session: where AWS is, the clients montui talks through, and the demo world.

`AwsSession.connect()` starts the local AWS world for `--demo`, imports the AWS stack and
resolves profile and regions in a thread (after the first frame is painted), then creates
the long-lived clients. After a start-up prefetch it takes the child's resolved target
instead, and the clients import the AWS stack only once the prefetched rows are painted
(`rows_shown`, then `PAINT_TIME`; `STACK_HOLD` at most). The feeds (`feeds.alarms`,
`feeds.insights`, …) are built from the session and reach AWS only through it. `close()` runs
the feeds' closing hooks (Logs Insights stops its running queries), closes the clients and
stops the world.

aiobotocore stays off the first frame's import path: the source modules are imported in a
thread by `connect()` and only named here under `TYPE_CHECKING`.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct

from montui.launch import AwsRequest, DemoWorld, DemoWorldError, WorldEndpoint, resolve
from montui.model.place import Place
from montui.startup_log import mark

if TYPE_CHECKING:
    from montui.feeds.prefetch import AlarmPrefetch
    from montui.model.account import Identity
    from montui.sources.session import AwsClients
    from montui.sources.target import AwsTarget


class Connection(Struct, frozen=True):
    """What the session connected to: shown in the board's header."""

    profile: str | None
    regions: tuple[str, ...]
    endpoint: str | None
    demo: bool = False
    alias: str = ""
    """The `[[account]]` alias ("" without `[[account]]`)."""


class Session(Protocol):
    """Connecting to AWS and letting go of it: what the app and the board need."""

    async def connect(self) -> Connection: ...
    async def close(self) -> None: ...
    def rows_shown(self) -> None:
        """The first ALARM rows are on screen (or none will come from a prefetch): what waits
        for them, the AWS stack's import after a start-up prefetch, may go."""


STACK_HOLD = 1.0
"""Seconds at most the AWS stack's import waits, after a start-up prefetch, for the prefetched
rows to be handed to the screen (`AwsSession.rows_shown`): the import takes ~0.3 s of CPU
under the GIL, which their paint would otherwise share."""
PAINT_TIME = 0.05
"""Seconds the import then waits for the rows' frame: Textual paints at most 60 frames a
second, so the next frame is rendered and written by then on a machine that is not loaded."""


def _load_sources() -> None:
    """Import the AWS stack (about 0.3 s of module loading) off the event loop."""
    for name in (
        "aiobotocore.session",
        "montui.sources.session",
        "montui.sources.cloudwatch",
        "montui.sources.identity",
    ):
        importlib.import_module(name)


class NotConnected(RuntimeError):
    """A feed was used before `AwsSession.connect()` finished."""


class AwsSession:
    """A real AWS account (or the local AWS world with `request.demo`): target, clients, world."""

    def __init__(
        self,
        request: AwsRequest,
        *,
        world: WorldEndpoint | None = None,
        world_of: AwsSession | None = None,
        prefetch: AlarmPrefetch | None = None,
        prefetch_max_age: float | None = None,
    ) -> None:
        """`world`: an already running local AWS world to use instead of starting one;
        `world_of`: the session (another account's) whose demo world this one uses, once
        it has started it; `prefetch`: the start-up prefetch child (`feeds.prefetch`), whose
        resolved target spares `connect` the AWS stack's import; `prefetch_max_age`: with
        `--demo`, start one once the world is ready, its answers kept that long (None: none)."""
        self.request = request
        self.prefetch = prefetch
        """The start-up prefetch, if any: the alarms feed takes its first answers."""
        self._prefetch_max_age = prefetch_max_age
        self._shared_world = world
        self._world_of = world_of
        self._world: DemoWorld | None = None
        self._target: AwsTarget | None = None
        self._clients: AwsClients | None = None
        self._account: str | None = None
        self._identity: asyncio.Task[Identity] | None = None
        self._on_close: list[Callable[[], Awaitable[object]]] = []
        self._connected = asyncio.Event()
        self._settled = asyncio.Event()
        self._rows_shown = asyncio.Event()
        self._connection: Connection | None = None
        self._world_info: WorldEndpoint | None = None

    async def connect(self) -> Connection:
        if self._connection is not None:  # connected already (`connect_now`)
            return self._connection
        try:
            return await self._connect()
        finally:
            self._settled.set()

    def connect_now(self) -> Connection | None:
        """Connect at once, without waiting, when the start-up prefetch child has resolved the
        target already (and no world is to start): the first frame can then show its rows.
        None, and nothing done, otherwise (`connect` connects)."""
        waits = self.request.demo or self._world_of is not None or self._shared_world is not None
        if self.prefetch is None or waits or self._connection is not None:
            return None
        target = self.prefetch.target_now()
        if target is None:
            return None
        connection = self._connected_to(target, None)
        self._settled.set()
        return connection

    async def wait_settled(self) -> None:
        """Until `connect()` has ended, well or not."""
        await self._settled.wait()

    async def _connect(self) -> Connection:
        world_info = self._shared_world
        if self._world_of is not None and world_info is None:
            await self._world_of.wait_settled()
            world_info = self._world_of.world_endpoint
            if world_info is None:
                raise DemoWorldError("the local AWS world did not start (see the first account)")
        if self.request.demo and world_info is None:
            self._world = DemoWorld()
            world_info = await asyncio.to_thread(self._world.start)
        target = await self.prefetch.target() if self.prefetch is not None else None
        if target is None:
            # The AWS stack is imported here, unless a prefetch child answers: then the first
            # client imports it in a thread, after the prefetched rows are on screen.
            if self._prefetch_max_age is None or world_info is None:
                await asyncio.to_thread(_load_sources)
            target = await asyncio.to_thread(resolve, self.request, world_info)
            if self._prefetch_max_age is not None and world_info is not None:
                from montui.feeds.prefetch import spawn_prefetch

                self.prefetch = spawn_prefetch(target, max_age=self._prefetch_max_age)
        return self._connected_to(target, world_info)

    def _connected_to(self, target: AwsTarget, world_info: WorldEndpoint | None) -> Connection:
        from montui.sources.session import AwsClients

        self._target = target
        prefetched = self.prefetch is not None and not self._rows_shown.is_set()
        self._clients = AwsClients(target, hold=self._until_rows_shown if prefetched else None)
        self._world_info = world_info
        account = self.request.account
        if account is not None and account.role_account:
            self.learn_account(account.role_account)  # a role's account is in its ARN
        mark("session connected")
        self._connected.set()
        self._connection = Connection(
            profile=target.profile,
            regions=target.regions,
            endpoint=target.endpoint_url,
            demo=self.request.demo or world_info is not None,
            alias=account.alias if account is not None else "",
        )
        return self._connection

    def rows_shown(self) -> None:
        self._rows_shown.set()

    async def _until_rows_shown(self) -> None:
        try:
            await asyncio.wait_for(self._rows_shown.wait(), STACK_HOLD)
        except TimeoutError:
            return
        await asyncio.sleep(PAINT_TIME)

    @property
    def world_endpoint(self) -> WorldEndpoint | None:
        """The local AWS world this session talks to, once connected (None: AWS)."""
        return self._world_info

    async def wait_connected(self) -> None:
        """Until `connect()` has succeeded."""
        await self._connected.wait()

    @property
    def clients(self) -> AwsClients:
        """The long-lived clients (one per account, region and service)."""
        if self._clients is None:
            raise NotConnected("the AWS session is not connected")
        return self._clients

    @property
    def target(self) -> AwsTarget:
        """The resolved profile, regions and endpoint."""
        if self._target is None:
            raise NotConnected("the AWS session is not connected")
        return self._target

    @property
    def account(self) -> str | None:
        """The account the credentials belong to, once known (an ARN or GetCallerIdentity)."""
        return self._account

    def learn_account(self, account: str) -> None:
        """Record the credentials' account (from an ARN in a response); idempotent."""
        if account and self._account is None:
            self._account = account
            self.clients.name_account(account)

    def place_now(self, region: str) -> Place:
        """`region` of the credentials' account, without waiting for the account's id: the
        first DescribeAlarms must not wait for GetCallerIdentity (the alarms' ARNs name it)."""
        return Place(self._account or "", region)

    async def place(self, region: str) -> Place:
        """`region` of the credentials' account, asking GetCallerIdentity once if needed."""
        if self._account is None:
            self.learn_account((await self.identity()).account)
        return Place(self._account or "", region)

    async def identity(self) -> Identity:
        """GetCallerIdentity, asked once and shared (a failed ask is asked again)."""
        task = self._identity
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            from montui.sources.identity import caller_identity

            place = self.place_now(self.target.regions[0])
            task = self._identity = asyncio.ensure_future(caller_identity(self.clients, place))
        found = await asyncio.shield(task)
        self.learn_account(found.account)
        return found

    def on_close(self, hook: Callable[[], Awaitable[object]]) -> None:
        """Run `hook` first when the session closes (a feed letting go of what it started)."""
        self._on_close.append(hook)

    async def close(self) -> None:
        """The prefetch child, the closing hooks, then the clients, then the world."""
        if self.prefetch is not None:
            self.prefetch.close()
        for hook in self._on_close:
            await hook()
        if self._identity is not None and not self._identity.done():
            self._identity.cancel()
        if self._clients is not None:
            await self._clients.close()
            self._clients = None
        if self._world is not None:
            await asyncio.to_thread(self._world.stop)
            self._world = None
