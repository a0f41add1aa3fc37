"""The reputation pane's words: the regions line, a region's status, quota and volume, and
each rate as a gauge against both thresholds with its distance and direction.

Every band carries its symbol (`✔ ▲ ✖ ✖✖`) and colour, so the pane reads without colour.
Pure functions returning rich `Text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from rich.text import Text

from montui.model.reputation import Band, RateHistory, RateKind, distance_words
from montui.model.ses_account import Reputation, Status
from montui.sources.errors import SourceError

BAND_STYLE = {
    Band.OK: "green",
    Band.NEAR: "yellow",
    Band.REVIEW: "bold red",
    Band.PAUSE: "bold red reverse",
}
STATUS_STYLE = {
    Status.HEALTHY: "green",
    Status.UNDER_REVIEW: "bold red",
    Status.PAUSED: "bold red reverse",
    Status.UNKNOWN: "yellow",
}
GAUGE_WIDTH = 30
"""Cells of a gauge at 80 columns (0 to 1.2 × the pause threshold)."""


def region_line(
    regions: tuple[str, ...],
    results: Mapping[str, Reputation | SourceError],
    chosen: str,
    *,
    accounts: bool = False,
) -> Text:
    """`▶✖ ap-northeast-1 Under review   ✔ us-east-1 Healthy · sandbox`; with `accounts`
    (entries `alias/region`): `▶prod/us-east-1 ✔ Healthy   dev/us-east-1 ⚠ failed`."""
    text = Text()
    for region in regions:
        found = results.get(region)
        text.append("▶" if region == chosen else " ", style="bold")
        if found is None:
            text.append(f"{region} … loading" if accounts else f"… {region} loading")
        elif isinstance(found, SourceError):
            text.append(f"{region} ⚠ failed" if accounts else f"⚠ {region} failed", style="yellow")
        else:
            status = found.account.status
            words = f"{status.symbol} {region} {status.words}"
            if accounts:
                words = f"{region} {status.symbol} {status.words}"
            if not found.account.production:
                words += " · sandbox"
            band = found.worst
            if band is not None and band is not Band.OK and status is Status.HEALTHY:
                words += f" · {band.symbol} {band.words}"
            text.append(words, style=STATUS_STYLE[status])
        text.append("  ")
    text.rstrip()
    return text


def status_text(found: Reputation) -> Text:
    """The status line, quota, and the volume behind the rates."""
    account = found.account
    text = Text()
    text.append(f"{account.region}  ", style="bold")
    text.append(account.status_words(), style=STATUS_STYLE[account.status])
    text.append(f" · {account.access_words()}")
    if account.sending_enabled:
        text.append(" · sending enabled")
    text.append("\nQuota   ", style="bold")
    text.append(account.quota.words())
    if (used := account.quota.used) is not None:
        text.append(f" ({used:.0%} used)")
    day, fortnight = found.volume(timedelta(hours=24)), found.volume(timedelta(days=14))
    text.append("\nVolume  ", style="bold")
    if not found.sends:
        text.append("no send statistics in 14 days")
    else:
        text.append(f"24 h: {day.words()}\n        14 d: {fortnight.words()}")
    if use := found.use_words():
        text.append(f"\n{use}", style="bold")
    for gap in found.gaps:
        text.append(f"\n⚠ {gap}", style="yellow")
    return text


def gauge(kind: RateKind, value: float, width: int = GAUGE_WIDTH) -> str:
    """`[██████····│········‖···]`: the rate from 0 to 1.2 × pause, `│` at review, `‖` at
    pause; `▶` at the end past the scale."""
    top = kind.pause * 1.2
    review_at = round(kind.review / top * width)
    pause_at = round(kind.pause / top * width)
    filled = min(width, round(value / top * width))
    cells = []
    for i in range(width):
        if i == review_at:
            cells.append("│")
        elif i == pause_at:
            cells.append("‖")
        else:
            cells.append("█" if i < filled else "·")
    end = "▶" if value > top else "]"
    return "[" + "".join(cells) + end


def rate_text(history: RateHistory, found: Reputation, *, width: int = GAUGE_WIDTH) -> Text:
    """Three lines for one rate: band, value and gauge; the distance to both thresholds; the
    direction over 24 h and 7 d and the volume behind it."""
    kind = history.kind
    text = Text()
    latest = history.latest
    if latest is None:
        text.append(f"? {kind.name:<9} no data", style="bold")
        text.append(f"\n   AWS publishes it after the first {kind.name} (no data, not 0)\n")
        return text
    band = history.band or Band.OK
    style = BAND_STYLE[band]
    text.append(f"{band.symbol:<2} {kind.name:<9} ", style="bold")
    text.append(f"{kind.percent(latest):>7}  ", style=style)
    text.append(f"{band.words:<11} ", style=style)
    text.append(gauge(kind, latest, width))
    distance = distance_words(kind, latest).split(" — ", 1)[1]
    text.append(f"\n   {distance}")
    day, week = history.directions()
    text.append(f"\n   {day.words(kind)} · {week.words(kind)}")
    weight = found.volume(timedelta(hours=24)).weight_words(kind)
    if weight:
        text.append(f" · {weight}", style="bold")
    return text
