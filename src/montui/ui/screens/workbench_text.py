"""The workbench's lines of text: title, log groups, status, and the drill-down plan.

Plain functions of values, so that each wording is tested without a running app. Every
state has a symbol as well as a colour (◐ running, ✔ complete, ■ stopped, ✖ failed).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from rich.text import Text

from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown import DrilldownPlan
from montui.model.duration import format_age
from montui.model.evaluation import Episode
from montui.model.insights_syntax import commands
from montui.model.logs import BYTES_PER_GB, PRICE_PER_GB, QueryResult, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.observability import group_display
from montui.model.time_range import TimeRange

_KIND_WORDS = {
    "lambda": "Lambda function logs",
    "apigateway": "API Gateway execution and access logs",
    "rds": "RDS logs",
    "metric-filter": "the log group behind the metric filter",
    "config-rule": "a [[drilldown]] rule in your config",
    "composite": "the children in ALARM",
    "default": "no known source",
}


def local_zone() -> tzinfo:
    """This machine's time zone (UTC when it cannot be told)."""
    return datetime.now().astimezone().tzinfo or UTC


def zone_name(tz: tzinfo, moment: datetime) -> str:
    name = moment.astimezone(tz).tzname() or "local"
    return "UTC" if name in ("UTC", "UTC+00:00") else name


def clock_range(window: TimeWindow, tz: tzinfo) -> str:
    """`11-21 03:02 → 03:27 JST (25m)`: the date once when both ends share it."""
    start, end = window.start.astimezone(tz), window.end.astimezone(tz)
    first = start.strftime("%m-%d %H:%M")
    last = end.strftime("%H:%M" if start.date() == end.date() else "%m-%d %H:%M")
    span = format_age((window.end - window.start).total_seconds())
    return f"{first} → {last} {zone_name(tz, window.end)} ({span})"


def title_text(
    region: str, alarm: Alarm | None, time_range: TimeRange, window: TimeWindow, tz: tzinfo
) -> Text:
    """`Logs · ap-northeast-1 · last 1h: 11-21 02:30 → 03:30 UTC (1h) · for hitori-…`."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("Logs", style="bold")
    text.append(f" {region} · ")
    if time_range.relative is not None:
        text.append(f"last {format_age(time_range.relative)}: ")
    text.append(clock_range(window, tz))
    if alarm is not None:
        text.append(" · ")
        text.append(alarm.name, style="bold")
    return text


def range_text(groups: tuple[str, ...]) -> Text:
    """`Groups (2): /aws/lambda/a, /aws/lambda/b` or a warning when there is none."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if not groups:
        text.append("Groups: none picked (g)", style="yellow")
        return text
    text.append(f"Groups ({len(groups)}): ", style="dim")
    text.append(", ".join(group_display(g, {}) for g in groups))  # a linked one: `name @ id`
    return text


def cost_text(usd: float) -> str:
    """`~$0.00042`; below a hundred-thousandth of a dollar, `<$0.00001` rather than `$0.00000`."""
    return "<$0.00001" if 0 < usd < 0.000005 else f"~${usd:.5f}"


def one_command_per_line(query: str) -> str:
    """A one-line query with each command on its own line (`| ` first), for the editor;
    a query already on several lines is left as written."""
    if "\n" in query:
        return query
    parts = [query[start:end].strip() for _, start, end in commands(query)]
    return "\n| ".join(p for p in parts if p)


def _numbers(result: QueryResult, extra_bytes: float) -> str:
    """Records and bytes of the query; the cost also counts `extra_bytes` (the histogram's
    query scans the same groups and window again)."""
    s = result.statistics
    mb = s.bytes_scanned / 1e6
    cost = cost_text((s.bytes_scanned + extra_bytes) / BYTES_PER_GB * PRICE_PER_GB)
    also = " incl. histogram" if extra_bytes else ""
    return (
        f"{s.records_matched:,.0f}/{s.records_scanned:,.0f} matched/scanned · "
        f"{mb:,.1f} MB {cost}{also}"
    )


def status_text(
    *,
    result: QueryResult | None,
    running: bool,
    stopped: bool,
    failure: tuple[str, str] | None,
    elapsed: float,
    planned: bool,
    term: str = "",
    matches: int = 0,
    histogram_bytes: float = 0.0,
) -> Text:
    """The status line of the query."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if failure is not None:
        text = Text()  # wrapped on the screen: the whole error reads at 80 columns
        message, hint = failure
        text.append(f"✖ {message}", style="bold red")
        if hint:
            text.append(f" — {hint}", style="red")
        return text
    if running:
        status = result.status.value if result is not None else "Starting"
        text.append(f"◐ {status}", style="bold yellow")
        if result is not None and result.retrying:
            text.append(f" · retrying: {result.retrying}", style="yellow")
        if result is not None:
            text.append(
                f" · {len(result.rows):,} rows so far · {_numbers(result, histogram_bytes)}"
            )
        text.append(f" · {elapsed:.0f}s · esc stops", style="dim")
    elif stopped:
        text.append("■ Stopped", style="bold")
        rows = len(result.rows) if result is not None else 0
        text.append(f" (StopQuery sent) · {rows:,} rows received")
        if result is not None:
            text.append(f" · {_numbers(result, histogram_bytes)}")
    elif result is not None:
        ok = result.status is QueryStatus.COMPLETE
        text.append(
            f"{'✔' if ok else '✖'} {result.status.value} {elapsed:.1f}s",
            style="bold green" if ok else "bold red",
        )
        text.append(f" · {len(result.rows):,} rows · {_numbers(result, histogram_bytes)}")
    elif planned:
        text.append("Plan ready", style="bold")
        text.append(" · ⏎ run · e edit the query · g groups · t window", style="dim")
    else:
        text.append("Ready · ctrl+r runs the query", style="dim")
    if term:
        text.append(f" · {matches} rows match {term!r} (n/N)", style="cyan")
    return text


def plan_text(plan: DrilldownPlan, alarm: Alarm | None, tz: tzinfo) -> Text:
    """The drill-down plan, before it runs: why these groups, this window, this query."""
    text = Text()
    text.append("Drill-down plan", style="bold")
    if alarm is not None:
        mark = "✖ " if alarm.state is AlarmState.ALARM else ""
        text.append(f" for {mark}{alarm.name}")
    text.append(f"  ({_KIND_WORDS.get(plan.kind, plan.kind)})\n", style="dim")
    text.append("Window  ", style="bold")
    text.append(clock_range(plan.window, tz) + "\n")
    text.append(
        "        first breaching datapoint − 15 min lookback → now (or the recovery + 5 min)\n",
        style="dim",
    )
    if plan.problem is not None:
        text.append(f"✖ {plan.problem}\n", style="bold red")
    text.append(f"Groups  ({len(plan.log_groups)})\n", style="bold")
    for group in plan.log_groups:
        text.append(f"  ✔ {group}\n")
    if plan.reasons:
        text.append("Why\n", style="bold")
        for reason in plan.reasons:
            missing = "does not exist" in reason or "no log group starts" in reason
            text.append(
                f"  {'✖' if missing else '·'} {reason}\n", style="dim" if not missing else ""
            )
    if plan.alternatives:
        text.append(f"T  cycles {len(plan.alternatives) + 1} query templates\n", style="dim")
    text.append("\n⏎ run   e edit the query   g groups   t window   esc back", style="bold")
    return text


def welcome_text(has_groups: bool) -> Text:
    """The workbench opened without an alarm: what to do first."""
    text = Text()
    text.append("Logs Insights workbench\n\n", style="bold")
    text.append("e  edit the query (ctrl+↑ earlier queries)\n")
    text.append("g  pick log groups    t  time range    h  history and saved queries\n")
    text.append("ctrl+r or ⏎  run      esc  stop a running query / back\n")
    if not has_groups:
        text.append("\nNo log group picked yet: g to pick.", style="yellow")
    return text


def body_text(
    plan: DrilldownPlan | None,
    plan_error: str | None,
    alarm: Alarm | None,
    has_groups: bool,
    tz: tzinfo,
    *,
    planning: bool,
) -> Text:
    """What the body shows before the first run: the plan, why there is none, that it is
    being worked out (`planning`: opened from an alarm), or the welcome."""
    if plan_error is not None:
        return Text(plan_error, style="red")
    if plan is not None:
        return plan_text(plan, alarm, tz)
    if planning:
        return Text("Working out the drill-down plan…", style="dim")
    return welcome_text(has_groups)


def episode_line(episode: Episode | None, back: int | None, count: int, tz: tzinfo) -> Text:
    """Which ALARM episode `l` on the detail drills into, and the keys to pick another."""
    text = Text(style="dim")
    if not count:
        return text
    if episode is None or back is None:
        text.append("l drills into the current state's window")
    else:
        end = episode.end
        window = TimeWindow(episode.start, end or episode.start)
        span = clock_range(window, tz) if end else f"{episode.start.astimezone(tz):%m-%d %H:%M} →"
        text.append(f"l drills into episode {count - back} of {count}: ", style="")
        text.append(span, style="bold")
    text.append("   [ ] pick an episode")
    return text
