"""Where montui's AWS is: a real account, or the local AWS world in a child process.

`montui --demo` runs `python -m montui_world serve --port 0 --speed 10 --ready-json` as a child
process (ten times real time: the demo's scripted incident is under way when the world is
ready and recovers about 2.4 real minutes later),
reads the one JSON line it prints when seeded and ready, and points every client at that
endpoint with the world's fake credentials. The child watches its stdin and exits when this
process closes it (or dies), so no world outlives the app. Neither `ui` nor `sources` import
`montui_world`: the world is reached only over the network, as AWS is.
"""

from __future__ import annotations

import contextlib
import json
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from montui.model.accounts import AccountSpec, choose_accounts
from montui.model.records import replace

if TYPE_CHECKING:
    from montui.sources.target import AwsTarget

READY_TIMEOUT = 30.0
DEMO_SPEED = 10  # simulated seconds per real second: the demo's incident lasts 2.4 minutes
DEMO_REFRESH = 60.0 / DEMO_SPEED
"""The demo board's default refresh: one simulated minute (the world's evaluation period)."""


class DemoWorldError(RuntimeError):
    """The local AWS world did not start; the message says why."""


class WorldEndpoint(Struct, frozen=True):
    """How to reach a running local AWS world, and its accounts (the ready line's `accounts`:
    the base one first, then those reached through a role)."""

    endpoint: str
    access_key: str
    secret_key: str
    regions: tuple[str, ...]
    accounts: tuple[AccountSpec, ...] = ()

    def account_specs(self) -> tuple[AccountSpec, ...]:
        """Its accounts as `[[account]]` would name them; none for a world of one account
        (montui then shows it as today, without an account column)."""
        return self.accounts if len(self.accounts) > 1 else ()


def _command(accounts: int = 1) -> list[str]:
    more = ("--accounts", str(accounts)) if accounts > 1 else ()
    return [
        *(sys.executable, "-m", "montui_world", "serve", "--port", "0"),
        *("--speed", str(DEMO_SPEED), "--ready-json", *more),
    ]


def _world_accounts(data: dict[str, Any]) -> tuple[AccountSpec, ...]:
    """The ready line's `accounts` ([{"alias", "id", "role_arn"}], base first) as specs."""
    return tuple(
        AccountSpec(alias=str(a["alias"]), role_arn=a.get("role_arn") or None)
        for a in data.get("accounts", ())
    )


def _parse_ready(line: bytes, stderr: str) -> WorldEndpoint:
    if not line:
        detail = stderr.strip().splitlines()[-1:] or ["it exited before it was ready"]
        raise DemoWorldError(
            f"the local AWS world did not start: {detail[0]}\n"
            "install the demo extra: pip install 'montui[demo]' (make demo does this)"
        )
    try:
        data: dict[str, Any] = json.loads(line)
        return WorldEndpoint(
            endpoint=str(data["endpoint"]),
            access_key=str(data["access_key"]),
            secret_key=str(data["secret_key"]),
            regions=tuple(str(r) for r in data["regions"]),
            accounts=_world_accounts(data),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DemoWorldError(f"the local AWS world said something unexpected: {line!r}") from exc


class DemoWorld:
    """The local AWS world as a child process, for the TUI (`await asyncio.to_thread(start)`)
    and the subcommands (`with DemoWorld() as world:`) alike."""

    def __init__(self, accounts: int = 1) -> None:
        """`accounts`: how many accounts the world serves (`serve --accounts N`)."""
        self.accounts = accounts
        self._proc: subprocess.Popen[bytes] | None = None
        self.info: WorldEndpoint | None = None

    def start(self) -> WorldEndpoint:
        """Start the world and wait (at most READY_TIMEOUT) for its ready line (blocking)."""
        with tempfile.TemporaryFile() as err:
            proc = self._proc = subprocess.Popen(
                _command(self.accounts), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT)
            if not ready:
                self.stop()
                raise DemoWorldError(f"the local AWS world was not ready in {READY_TIMEOUT:.0f}s")
            line = proc.stdout.readline()
            if not line:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(10)
            err.seek(0)
            self.info = _parse_ready(line, err.read().decode(errors="replace"))
            return self.info

    def stop(self) -> None:
        """Close its stdin (it exits on that), then terminate, then kill (blocking)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()

    def __enter__(self) -> WorldEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AwsRequest(Struct, frozen=True):
    """What the user asked for, from the command line and the config file, before resolving
    it against the AWS config files and the environment (see `resolve`)."""

    profile: str | None = None
    regions: tuple[str, ...] | None = None
    endpoint_url: str | None = None
    config_profile: str | None = None
    config_regions: tuple[str, ...] | None = None
    config_endpoint_url: str | None = None
    demo: bool = False
    demo_accounts: int = 1
    """`--demo --accounts N`: the local world's accounts (1: the base one alone)."""
    account: AccountSpec | None = None
    """`[[account]]`: the account this request reaches (None: the base credentials' own)."""

    def for_account(self, account: AccountSpec) -> AwsRequest:
        """This request, reaching `account` instead (its profile or role, its regions)."""
        return replace(self, account=account)


def _account_args(request: AwsRequest) -> dict[str, Any]:
    """`resolve_target`'s arguments for the request's `[[account]]`: its profile in place of
    the base one, or its role (assumed with the base credentials); its regions, when set, in
    place of the command line's and the config's."""
    from montui.sources.assume_role import AssumedRole

    spec = request.account
    if spec is None:
        return {}
    args: dict[str, Any] = {}
    if spec.profile:
        args["profile"] = spec.profile
    if spec.role_arn:
        args["role"] = AssumedRole(
            spec.role_arn, spec.session_name, spec.external_id, spec.duration
        )
    if spec.regions:
        args["regions"] = spec.regions
    return args


def resolve(request: AwsRequest, world: WorldEndpoint | None = None) -> AwsTarget:
    """The `sources.target.AwsTarget` for a request (blocking: botocore reads the AWS config
    files). With a demo world, its endpoint and fake credentials win over everything else,
    so `--demo` can never reach a real account."""
    from montui.sources.target import resolve_target

    account = _account_args(request)
    if world is not None:
        return resolve_target(
            profile=None,
            regions=account.get("regions") or request.regions or world.regions,
            endpoint_url=world.endpoint,
            static_credentials=(world.access_key, world.secret_key),
            env={},
            role=account.get("role"),
        )
    return resolve_target(
        profile=account.get("profile") or request.profile,
        regions=account.get("regions") or request.regions,
        endpoint_url=request.endpoint_url,
        config_profile=request.config_profile,
        config_regions=request.config_regions,
        config_endpoint_url=request.config_endpoint_url,
        role=account.get("role"),
    )


@contextlib.contextmanager
def resolved_target(request: AwsRequest) -> Iterator[AwsTarget]:
    """The target for a subcommand: with `request.demo` a local AWS world runs until the
    block ends. Raises `DemoWorldError` or a fatal `SourceError`."""
    with contextlib.ExitStack() as stack:
        world = stack.enter_context(DemoWorld()) if request.demo else None
        yield resolve(request, world)


class AccountTarget(Struct, frozen=True):
    """A subcommand's account: its alias ("" without `[[account]]`) and its resolved target,
    or the error resolving it gave (an unknown profile: that account fails, others print)."""

    alias: str
    target: AwsTarget | None
    error: Exception | None = None


@contextlib.contextmanager
def resolved_targets(
    request: AwsRequest, accounts: Sequence[AccountSpec], wanted: Sequence[str] | None = None
) -> Iterator[list[AccountTarget]]:
    """Every account's target for a subcommand (none configured: the base account alone,
    whose resolve errors are raised as by `resolved_target`). With `request.demo` one local
    AWS world serves them all until the block ends; with `--accounts N` its accounts are
    the ones read, those `wanted` (`--account`) only. Raises `DemoWorldError`, and
    `UnknownAccount` for a wanted alias the world does not have."""
    from montui.sources.errors import SourceError

    with contextlib.ExitStack() as stack:
        world = stack.enter_context(DemoWorld(request.demo_accounts)) if request.demo else None
        if world is not None and not accounts:
            accounts = choose_accounts(world.account_specs(), wanted)
        if not accounts:
            yield [AccountTarget("", resolve(request, world))]
            return
        found = []
        for spec in accounts:
            try:
                found.append(AccountTarget(spec.alias, resolve(request.for_account(spec), world)))
            except SourceError as exc:
                found.append(AccountTarget(spec.alias, None, exc))
        yield found
