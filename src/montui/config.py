"""Settings from a TOML file: where it is looked for, what it may say, and how it is loaded and
checked. The errors (naming file, line and key path) are worded in `montui.config_errors`; the
`[keys]` bindings are `montui.config_keys`.

This module runs before the first frame, so it imports only the stdlib, msgspec, platformdirs
and `montui.model` (no textual, no botocore). msgspec checks the shape of the TOML (known keys,
TOML types); `_settings_from` then checks meaning (region names, durations, URLs, binding ids).

Key paths count array items from 1, as a person counts them in the file: `alarm[2]` is the
second `[[alarm]]` table and `regions[1]` the first region. msgspec counts from 0; we translate.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import msgspec
import platformdirs
from msgspec import Struct, field

from montui.config_accounts import EXPECTED as ACCOUNT_EXPECTED
from montui.config_accounts import AccountTable, account_specs
from montui.config_errors import ConfigError, ConfigSource, lookup, show, syntax_error
from montui.config_keys import check_keys
from montui.config_triage import EXPECTED as TRIAGE_EXPECTED
from montui.config_triage import TriageTable, triage_rules
from montui.model.accounts import AccountSpec
from montui.model.drilldown import DrilldownRule
from montui.model.duration import parse_duration
from montui.model.finding_notice import DEFAULT_NOTICE, NoticeRule
from montui.model.findings import Band
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern
from montui.model.records import replace
from montui.model.review import ReviewSettings
from montui.model.signals import DEFAULT_RULES, TriageRules

APP_NAME = "montui"
CONFIG_ENV_VAR = "MONTUI_CONFIG"
MIN_REFRESH = 5
MAX_REVIEW_DAYS = 30
DEFAULT_REFRESH = 60
STALE_FACTOR = 2.5
"""Without `stale_after`, a region's data is stale once older than this many refresh intervals."""

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_SECONDS = 'an integer number of seconds or a duration like "90s"'


class Settings(Struct, frozen=True):
    """Everything the config file can set, with the built-in defaults."""

    profile: str | None = None
    """AWS profile; None means the standard credential chain."""
    regions: tuple[str, ...] = ()
    """Regions the board polls; empty means AWS_REGION / the profile's region."""
    refresh: float = float(DEFAULT_REFRESH)
    """Seconds between polls."""
    stale_after: float = DEFAULT_REFRESH * STALE_FACTOR
    """Seconds after which a region's data is flagged stale (see `stale_after_for`)."""
    stale_after_set: bool = False
    """True when the file set `stale_after`; otherwise it follows `refresh`."""
    endpoint_url: str | None = None
    """One endpoint for every service (local emulators); None means AWS."""
    alarm_rules: tuple[MetaRule, ...] = ()
    """Team metadata by alarm-name glob, in file order (see `model.metadata.meta_for`)."""
    drilldown_rules: tuple[DrilldownRule, ...] = ()
    """Log groups and queries for the drill-down, in file order (see `model.drilldown`)."""
    review: ReviewSettings = field(default_factory=ReviewSettings)
    """The alarm review's thresholds (`[review]`: days, stuck_after, fatigue_per_day)."""
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Overrides only: binding id → "key1,key2", ready for Textual's `App.set_keymap`."""
    notify: NoticeRule = DEFAULT_NOTICE
    """`[notify]`: which new GuardDuty findings raise a notice (`min_band`), and the bell."""
    triage: TriageRules = DEFAULT_RULES
    """`[triage]`: how findings, SES, DB load and alarm tags are classified."""
    accounts: tuple[AccountSpec, ...] = ()
    """`[[account]]`: the accounts watched (empty: the base credentials' own account only)."""
    source: Path | None = None
    """The file these settings came from; None for the built-in defaults."""

    def with_refresh(self, refresh: float) -> Settings:
        """These settings polled every `refresh` seconds (`--refresh`), under the same stale
        rule as the file: its `stale_after` when it sets one, else 2.5 × refresh."""
        explicit = self.stale_after if self.stale_after_set else None
        stale_after = stale_after_for(refresh, explicit)
        return replace(self, refresh=refresh, stale_after=stale_after)


def stale_after_for(refresh: float, stale_after: float | None) -> float:
    """The one stale rule: `stale_after` when the config sets it, else STALE_FACTOR × refresh."""
    return float(stale_after) if stale_after is not None else refresh * STALE_FACTOR


class ConfigCandidate(NamedTuple):
    """A place a config file may be; `required` ones must exist."""

    path: Path
    origin: str
    required: bool


def user_config_file() -> Path:
    """The per-user config file (e.g. `~/.config/montui/config.toml` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def user_data_dir() -> Path:
    """The per-user directory for montui's own working state (saved queries, notes)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_search_path(
    explicit: str | Path | None = None, env: Mapping[str, str] | None = None
) -> list[ConfigCandidate]:
    """Where config is looked for, first wins: --config, $MONTUI_CONFIG, the user file."""
    env = os.environ if env is None else env
    found: list[ConfigCandidate] = []
    if explicit is not None:
        found.append(ConfigCandidate(Path(explicit).expanduser(), "--config", True))
    if from_env := env.get(CONFIG_ENV_VAR):
        found.append(ConfigCandidate(Path(from_env).expanduser(), f"${CONFIG_ENV_VAR}", True))
    found.append(ConfigCandidate(user_config_file(), "user config", False))
    return found


def load_settings(
    explicit: str | Path | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Load the first config on the search path, or the built-in defaults if there is none.

    Raises ConfigError for a missing --config / $MONTUI_CONFIG file, unreadable files, TOML
    syntax errors and invalid settings.
    """
    for candidate in config_search_path(explicit, env):
        if candidate.required or candidate.path.exists():
            return _load_file(candidate)
    return Settings()


class _AlarmTable(msgspec.Struct, forbid_unknown_fields=True):
    match: str
    region: str | None = None
    response: str | None = None
    owner: str | None = None
    runbook: str | None = None


class _DrilldownTable(msgspec.Struct, forbid_unknown_fields=True):
    match: str | None = None
    namespace: str | None = None
    dimension: str | None = None
    log_groups: list[str] = []
    query: str | None = None
    replace: bool = False


class _NotifyTable(msgspec.Struct, forbid_unknown_fields=True):
    min_band: str = "high"
    bell: bool = True
    desktop: str = "off"
    act_now: bool = True


class _ReviewTable(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    days: int = 14
    stuck_after: int | str = "2d"
    fatigue_per_day: float = 2.0


class _Document(msgspec.Struct, forbid_unknown_fields=True):
    profile: str | None = None
    regions: list[str] | None = None
    refresh: int | str | None = None
    stale_after: int | str | None = None
    endpoint_url: str | None = None
    alarm: list[_AlarmTable] = []
    drilldown: list[_DrilldownTable] = []
    review: _ReviewTable = _ReviewTable()
    keys: dict[str, Any] = {}
    notify: _NotifyTable = msgspec.field(default_factory=_NotifyTable)
    triage: TriageTable = TriageTable()
    account: list[AccountTable] = []


SCHEMA_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "": _Document.__struct_fields__,
        "alarm[]": _AlarmTable.__struct_fields__,
        "drilldown[]": _DrilldownTable.__struct_fields__,
        "notify": _NotifyTable.__struct_fields__,
        "review": _ReviewTable.__struct_fields__,
        "triage": TriageTable.__struct_fields__,
        "account[]": AccountTable.__struct_fields__,
    }
)
"""The keys each table accepts (top level, `[[alarm]]`, `[[drilldown]]`), for errors and docs."""

_RESPONSES = ", ".join(p.value for p in ResponsePattern)
_EXPECTED = {
    "profile": "an AWS profile name (a string)",
    "regions": 'an array of region names like ["us-east-1"]',
    "regions[]": 'a region name like "us-east-1"',
    "refresh": _SECONDS,
    "stale_after": _SECONDS,
    "endpoint_url": 'a URL like "http://127.0.0.1:4566"',
    "alarm": "[[alarm]] tables (an array of tables)",
    "alarm[]": "a table",
    "alarm[].match": 'a glob over alarm names like "contact-form-*"',
    "alarm[].region": 'a region name like "us-east-1"',
    "alarm[].response": f"one of: {_RESPONSES}",
    "alarm[].owner": "a team or person (a string)",
    "alarm[].runbook": "a URL or a note (a string)",
    "drilldown": "[[drilldown]] tables (an array of tables)",
    "drilldown[]": "a table",
    "drilldown[].match": 'a glob over alarm names like "contact-form-*"',
    "drilldown[].namespace": 'a glob over metric namespaces like "AWS/SQS"',
    "drilldown[].dimension": 'a dimension name=value glob like "QueueName=orders-*"',
    "drilldown[].log_groups": 'an array of log group names or prefixes like ["/ecs/orders*"]',
    "drilldown[].log_groups[]": 'a log group name or a prefix ending with * like "/ecs/orders*"',
    "drilldown[].query": "a Logs Insights query (a string)",
    "drilldown[].replace": "true or false",
    "keys": 'a table of binding id = "key" lines',
    "notify": "a table with min_band, bell, desktop and act_now",
    "notify.min_band": "one of: low, medium, high, critical",
    "notify.bell": "true or false",
    "notify.desktop": 'one of: "off", "osc9", "osc777"',
    "notify.act_now": "true or false",
    **TRIAGE_EXPECTED,
    **ACCOUNT_EXPECTED,
    "review": "a [review] table",
    "review.days": "a whole number of days from 1 to 30 (CloudWatch keeps no older alarm history)",
    "review.stuck_after": 'a duration like "2d" or a number of seconds',
    "review.fatigue_per_day": "a number of ALARM episodes a day, like 2",
}


def _load_file(candidate: ConfigCandidate) -> Settings:
    path = candidate.path
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problem = f"no such file (named by {candidate.origin})"
        raise ConfigError(f"{path}: {problem}", path=path) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason})", path=path) from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise syntax_error(path, text, str(e)) from None
    source = ConfigSource(path, text)
    try:
        document = msgspec.convert(data, _Document)
    except msgspec.ValidationError as e:
        raise _shape_error(source, data, str(e)) from None
    return _settings_from(document, source)


def _shape_error(source: ConfigSource, data: dict[str, Any], message: str) -> ConfigError:
    """Turn msgspec's `Expected `int`, got `str` - at `$.alarm[0].x`` into our format."""
    problem, _, raw = message.partition(" - at `$")
    raw = raw.rstrip("`")
    path = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m[1]) + 1}]", raw).lstrip(".")
    generic = re.sub(r"\[\d+\]", "[]", path)
    if unknown := re.fullmatch(r"Object contains unknown field `(.+)`", problem):
        known = ", ".join(SCHEMA_FIELDS.get(generic, ()))
        key = ".".join(filter(None, (path, unknown[1])))
        return source.error(key, f"unknown key (expected one of: {known})")
    if missing := re.fullmatch(r"Object missing required field `(.+)`", problem):
        key = f"{path}.{missing[1]}"
        expected = _EXPECTED.get(f"{generic}.{missing[1]}", "a value")
        return source.error(key, f"missing (expected {expected})")
    if problem.startswith("Expected "):
        expected = _EXPECTED.get(generic) or problem.split(",")[0][len("Expected ") :]
        return source.error(path, f"expected {expected}, got {show(lookup(data, raw))}")
    return source.error(path or "(top level)", problem)


def _settings_from(doc: _Document, src: ConfigSource) -> Settings:
    if doc.profile is not None and not doc.profile.strip():
        raise src.error("profile", f"expected {_EXPECTED['profile']}, got {show(doc.profile)}")
    refresh = _seconds(doc.refresh, "refresh", src, DEFAULT_REFRESH)
    if refresh < MIN_REFRESH:
        problem = f"must be at least {MIN_REFRESH} seconds (each poll costs API calls)"
        raise src.error("refresh", f"{problem}, got {show(doc.refresh)}")
    explicit = None if doc.stale_after is None else _seconds(doc.stale_after, "stale_after", src, 0)
    stale_after = stale_after_for(refresh, explicit)
    if stale_after <= refresh:
        problem = f"must be longer than refresh ({refresh:g} s), or data looks stale between polls"
        raise src.error("stale_after", f"{problem}; got {show(doc.stale_after)}")
    if doc.endpoint_url is not None and not _is_http_url(doc.endpoint_url):
        problem = 'expected a URL starting with http:// or https:// like "http://127.0.0.1:4566"'
        raise src.error("endpoint_url", f"{problem}, got {show(doc.endpoint_url)}")
    return Settings(
        profile=doc.profile,
        regions=_regions(doc.regions, src),
        refresh=float(refresh),
        stale_after=float(stale_after),
        stale_after_set=explicit is not None,
        endpoint_url=doc.endpoint_url,
        alarm_rules=tuple(_rule(t, f"alarm[{i}]", src) for i, t in enumerate(doc.alarm, 1)),
        drilldown_rules=tuple(
            _drilldown(t, f"drilldown[{i}]", src) for i, t in enumerate(doc.drilldown, 1)
        ),
        review=_review(doc.review, src),
        keymap=MappingProxyType({k: check_keys(k, v, src) for k, v in doc.keys.items()}),
        notify=_notify(doc.notify, src),
        triage=triage_rules(doc.triage, src),
        accounts=account_specs(doc.account, src, _check_region),
        source=src.path,
    )


def _notify(table: _NotifyTable, src: ConfigSource) -> NoticeRule:
    try:
        band = Band.parse(table.min_band)
    except ValueError:
        expected = _EXPECTED["notify.min_band"]
        got = show(table.min_band)
        raise src.error("notify.min_band", f"expected {expected}, got {got}") from None
    if table.desktop not in ("off", "osc9", "osc777"):
        problem = f"expected {_EXPECTED['notify.desktop']}, got {show(table.desktop)}"
        raise src.error("notify.desktop", problem)
    return NoticeRule(min_band=band, bell=table.bell, desktop=table.desktop, act_now=table.act_now)


def _review(table: _ReviewTable, src: ConfigSource) -> ReviewSettings:
    if not 1 <= table.days <= MAX_REVIEW_DAYS:
        raise src.error("review.days", f"expected {_EXPECTED['review.days']}, got {table.days}")
    stuck = _seconds(table.stuck_after, "review.stuck_after", src, 0)
    if stuck <= 0:
        raise src.error("review.stuck_after", f"must be positive, got {show(table.stuck_after)}")
    if table.fatigue_per_day <= 0:
        problem = f"must be positive, got {table.fatigue_per_day:g}"
        raise src.error("review.fatigue_per_day", problem)
    return ReviewSettings(table.days, timedelta(seconds=stuck), table.fatigue_per_day)


def _seconds(value: int | str | None, key: str, src: ConfigSource, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            raise src.error(key, f"expected {_SECONDS}, got {show(value)}") from None
    return value


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _regions(regions: list[str] | None, src: ConfigSource) -> tuple[str, ...]:
    if regions is None:
        return ()
    if not regions:
        hint = "leave regions out to use AWS_REGION or the profile's region"
        raise src.error("regions", f"expected at least one region name ({hint})")
    for i, region in enumerate(regions, 1):
        _check_region(region, f"regions[{i}]", src)
    return tuple(dict.fromkeys(regions))


def _check_region(region: str, key: str, src: ConfigSource) -> None:
    if not _REGION.match(region):
        raise src.error(key, f"expected {_EXPECTED['regions[]']}, got {show(region)}")


def _rule(table: _AlarmTable, key: str, src: ConfigSource) -> MetaRule:
    if not table.match.strip():
        raise src.error(f"{key}.match", 'must not be empty (use "*" to match every alarm)')
    if table.region is not None:
        _check_region(table.region, f"{key}.region", src)
    response = None
    if table.response is not None:
        try:
            response = ResponsePattern(table.response)
        except ValueError:
            guess = table.response.strip().lower().replace(" ", "-").replace("_", "-")
            hint = f' (did you mean "{guess}"?)' if guess in _RESPONSES.split(", ") else ""
            problem = f"expected one of: {_RESPONSES}; got {show(table.response)}{hint}"
            raise src.error(f"{key}.response", problem) from None
    meta = AlarmMeta(response=response, owner=table.owner or None, runbook=table.runbook or None)
    return MetaRule(match=table.match, meta=meta, region=table.region)


def _drilldown(table: _DrilldownTable, key: str, src: ConfigSource) -> DrilldownRule:
    if table.match is None and table.namespace is None and table.dimension is None:
        problem = "needs at least one of match, namespace, dimension (which alarms it is for)"
        raise src.error(key, problem)
    for name in ("match", "namespace", "dimension", "query"):
        value = getattr(table, name)
        if value is not None and not value.strip():
            raise src.error(
                f"{key}.{name}", f"must not be empty (expected {_EXPECTED[f'drilldown[].{name}']})"
            )
    dimension = None
    if table.dimension is not None:
        dim_name, eq, glob = table.dimension.partition("=")
        if not eq or not dim_name.strip() or not glob.strip():
            expected = _EXPECTED["drilldown[].dimension"]
            raise src.error(f"{key}.dimension", f"expected {expected}, got {show(table.dimension)}")
        dimension = (dim_name.strip(), glob.strip())
    for i, group in enumerate(table.log_groups, 1):
        if not group.strip() or "*" in group[:-1] or group == "*":
            expected = _EXPECTED["drilldown[].log_groups[]"]
            raise src.error(f"{key}.log_groups[{i}]", f"expected {expected}, got {show(group)}")
    if not table.log_groups and table.query is None:
        raise src.error(key, "needs log_groups or a query (what the drill-down should use)")
    if table.replace and not table.log_groups:
        problem = "replace = true needs log_groups (it replaces the derived groups with them)"
        raise src.error(f"{key}.replace", problem)
    return DrilldownRule(
        log_groups=tuple(table.log_groups),
        match=table.match,
        namespace=table.namespace,
        dimension=dimension,
        query=table.query,
        replace=table.replace,
    )
