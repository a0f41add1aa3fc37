"""The interactive app's start: one session per watched account, or first the local world of
several accounts (`montui --demo --accounts N`), whose ready line names them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from montui.config import Settings
from montui.launch import AwsRequest, WorldEndpoint
from montui.model.accounts import AccountSpec, UnknownAccount, choose_accounts
from montui.startup_log import mark

if TYPE_CHECKING:
    from montui.feeds.prefetch import AlarmPrefetch

EXIT_USAGE = 2


def run_app(
    request: AwsRequest,
    settings: Settings,
    specs: tuple[AccountSpec, ...],
    world: WorldEndpoint | None = None,
    *,
    prefetch: AlarmPrefetch | None = None,
    prefetch_max_age: float | None = None,
) -> int:
    """The app over every account of `specs` (none: the base account alone, whose first ALARM
    answers may come from the start-up `prefetch`: `feeds.prefetch`)."""
    from montui.ui.app import MontuiApp
    from montui.ui.wiring import aws_accounts

    mark("textual and the ui imported")
    accounts = aws_accounts(
        request, specs, world=world, prefetch=prefetch, prefetch_max_age=prefetch_max_age
    )
    app = MontuiApp(accounts.primary, settings, accounts=accounts)
    app.run()
    return app.return_code or 0


def run_world_app(request: AwsRequest, settings: Settings, wanted: list[str] | None) -> int:
    """`montui --demo --accounts N`: the world starts first (its ready line names the
    accounts and their roles), then the board watches every one (or those `--account` chose)."""
    from montui.launch import DemoWorld, DemoWorldError

    print(f"montui: starting a local AWS world of {request.demo_accounts} accounts…", flush=True)
    try:
        with DemoWorld(request.demo_accounts) as world:
            specs = choose_accounts(world.account_specs(), wanted)
            return run_app(request, settings, specs, world)
    except DemoWorldError as exc:
        print(f"montui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UnknownAccount as exc:
        print(f"montui: --account: {exc}", file=sys.stderr)
        return EXIT_USAGE
