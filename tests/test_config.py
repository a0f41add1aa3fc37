"""The config file: search order, defaults, the example file, and the error messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from montui.config import (
    SCHEMA_FIELDS,
    Settings,
    config_search_path,
    load_settings,
    user_config_file,
    user_data_dir,
)
from montui.config_errors import ConfigError
from montui.config_keys import DEFAULT_KEYS, KNOWN_BINDING_IDS
from montui.model.drilldown import DrilldownRule
from montui.model.key_names import is_key_name
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern, meta_for

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "montui.toml"


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.path == path
    return caught.value


def uncommented_example() -> str:
    """The example with every commented-out setting switched on."""
    return re.sub(r"^#(?=[\[a-z])", "", EXAMPLE.read_text(), flags=re.M)


# --- defaults and search order ------------------------------------------------------------------


def test_defaults_when_no_file_anywhere() -> None:
    s = load_settings(env={})
    assert s == Settings()
    assert (s.profile, s.regions, s.endpoint_url, s.source) == (None, (), None, None)
    assert (s.refresh, s.stale_after) == (60.0, 150.0)
    assert s.alarm_rules == ()
    assert dict(s.keymap) == {}


def test_paths_come_from_platformdirs(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME / XDG_DATA_HOME at a temp dir.
    assert user_config_file().name == "config.toml"
    assert user_config_file().parent.name == "montui"
    assert user_data_dir().name == "montui"
    assert "xdg-config" in str(user_config_file())
    assert "xdg-data" in str(user_data_dir())


def test_search_order_explicit_then_env_then_user_file(tmp_path: Path) -> None:
    explicit = write(tmp_path, 'profile = "explicit"', "explicit.toml")
    from_env = write(tmp_path, 'profile = "env"', "env.toml")
    user = user_config_file()
    user.parent.mkdir(parents=True)
    user.write_text('profile = "user"')
    env = {"MONTUI_CONFIG": str(from_env)}

    assert load_settings(explicit, env=env).profile == "explicit"
    assert load_settings(explicit, env=env).source == explicit
    assert load_settings(None, env=env).profile == "env"
    assert load_settings(None, env={}).profile == "user"
    assert load_settings(None, env={}).source == user
    user.unlink()
    assert load_settings(None, env={}) == Settings()
    origins = [c.origin for c in config_search_path(str(explicit), env)]
    assert origins == ["--config", "$MONTUI_CONFIG", "user config"]


def test_env_defaults_to_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONTUI_CONFIG", str(write(tmp_path, "refresh = 30")))
    assert load_settings().refresh == 30.0


def test_explicit_file_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: no such file \(named by --config\)"):
        load_settings(missing, env={})


def test_env_file_must_exist_if_set(tmp_path: Path) -> None:
    env = {"MONTUI_CONFIG": str(tmp_path / "gone.toml")}
    with pytest.raises(ConfigError, match=r"gone\.toml: no such file \(named by \$MONTUI_CONFIG\)"):
        load_settings(env=env)
    assert load_settings(env={"MONTUI_CONFIG": ""}) == Settings()


# --- the example file ---------------------------------------------------------------------------


def test_example_loads_as_is_and_with_every_setting_switched_on(tmp_path: Path) -> None:
    assert load_settings(EXAMPLE, env={}).source == EXAMPLE
    s = load_settings(write(tmp_path, uncommented_example()), env={})
    assert s.profile == "prod"
    assert s.regions == ("ap-northeast-1", "us-east-1")
    assert (s.refresh, s.stale_after) == (60.0, 150.0)
    assert s.endpoint_url == "http://127.0.0.1:4566"
    assert dict(s.keymap) == dict(DEFAULT_KEYS)
    meta = meta_for("contact-form-5xx", "ap-northeast-1", s.alarm_rules)
    assert meta == AlarmMeta(
        ResponsePattern.ACT_NOW, "web-team", "https://wiki.example.com/runbooks/contact-form"
    )
    assert meta_for("contact-form-5xx", "us-east-1", s.alarm_rules).owner == "platform"
    sqs, contact = s.drilldown_rules
    assert sqs == DrilldownRule(
        log_groups=("/ecs/orders-worker", "/ecs/orders-api*"),
        namespace="AWS/SQS",
        dimension=("QueueName", "orders-*"),
    )
    assert (contact.match, contact.replace) == ("contact-form-*", False)
    assert contact.query is not None and contact.query.startswith("fields @timestamp")


def test_example_shows_every_key_and_every_response_pattern() -> None:
    text = uncommented_example()
    set_keys = set(re.findall(r"^([a-z_]+) = ", text, flags=re.M))
    for table, fields in SCHEMA_FIELDS.items():
        for name in fields:
            shown = name in set_keys or f"[[{name}]]" in text or f"[{name}]" in text
            assert shown, f"{table or 'top level'}: {name} missing from {EXAMPLE}"
    for binding_id, key in DEFAULT_KEYS.items():
        assert f'{binding_id} = "{key}"' in text
    for pattern in ResponsePattern:
        assert f'"{pattern.value}"' in text


def test_known_binding_ids() -> None:
    expected = (
        "quit help filter refresh show_all show_alarm show_insufficient show_ok clear_filter sort"
        " open_detail back zoom_in zoom_out earlier later toggle_utc tune run_backtest"
        " chart_inputs copy_command"
        " sparklines copy_url copy_arn review"
        " drilldown_logs workbench episode_earlier episode_later run_query stop_query run_plan"
        " edit_query pick_groups"
        " time_range highlight next_match previous_match query_library save_query next_template"
        " export_results copy_row copy_cell copy_insights_url next_region editor_recall_older"
        " editor_recall_newer editor_clear prompt_cancel record_close record_copy_message"
        " record_copy_row"
        " picker_confirm picker_cancel picker_into_list library_cancel library_delete"
        " library_confirm_delete library_next library_previous"
        " reputation open_alarm"
        " findings band_all band_medium band_high band_critical toggle_archived open_finding"
        " copy_finding_json open_linked_alarm"
        " note dismiss_notices"
        " dbload detail_dbload dbload_back dbload_zoom_in dbload_zoom_out dbload_earlier"
        " dbload_later dbload_utc dbload_tab dbload_pick dbload_refresh dbpicker_cancel"
        " sql_back sql_copy"
        " command window_widen window_earlier window_later window_drop command_cancel"
        " command_complete command_previous command_next"
    )
    assert set(expected.split()) == KNOWN_BINDING_IDS


def test_config_imports_nothing_heavy() -> None:
    code = (
        "import sys, montui.config\n"
        "heavy = {'textual', 'botocore', 'aiobotocore', 'boto3', 'pydantic', 'rich'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- values -------------------------------------------------------------------------------------


def test_full_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
profile = "prod"
regions = ["us-east-1", "eu-west-2", "us-east-1"]
refresh = "2m"
endpoint_url = "https://127.0.0.1:4566"

[[alarm]]
match = "api-*"
response = "next-business-day"

[keys]
refresh = " r , f5 "
""",
    )
    s = load_settings(path, env={})
    assert s.regions == ("us-east-1", "eu-west-2")  # duplicates dropped, order kept
    assert (s.refresh, s.stale_after) == (120.0, 300.0)
    assert s.alarm_rules == (MetaRule("api-*", AlarmMeta(ResponsePattern.NEXT_BUSINESS_DAY)),)
    assert dict(s.keymap) == {"refresh": "r,f5"}


@pytest.mark.parametrize(
    ("text", "refresh", "stale"),
    [("refresh = 5", 5, 12.5), ('refresh = "1m30s"', 90, 225), ('stale_after = "10m"', 60, 600)],
)
def test_durations(tmp_path: Path, text: str, refresh: float, stale: float) -> None:
    s = load_settings(write(tmp_path, text), env={})
    assert (s.refresh, s.stale_after) == (refresh, stale)


# --- errors -------------------------------------------------------------------------------------


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    e = error_of(tmp_path, 'profile = "prod"\n\nregions = [us-east-1]\n')
    assert str(e) == f"{tmp_path / 'config.toml'}:3: TOML syntax error: invalid value (column 12)"
    assert e.line == 3


def test_syntax_error_at_end_of_file(tmp_path: Path) -> None:
    e = error_of(tmp_path, 'profile = "prod"\nregions = ["us-east-1"')
    assert str(e).endswith(
        "config.toml:2: TOML syntax error: unclosed array (at the end of the file)"
    )
    e = error_of(tmp_path, "a = 1\na = 2\n")
    assert str(e).endswith("config.toml:2: TOML syntax error: cannot overwrite a value (column 6)")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    e = error_of(tmp_path, 'profile = "p"\nregion = "us-east-1"\n')
    expected = "config.toml:2: region: unknown key (expected one of: profile, regions, refresh, "
    assert expected in str(e)
    assert e.key_path == "region"


def test_unknown_key_in_second_alarm_table(tmp_path: Path) -> None:
    text = '[[alarm]]\nmatch = "a*"\nowner = "x"\n\n[[alarm]]\nmatch = "b*"\nrespons = "act-now"\n'
    e = error_of(tmp_path, text)
    assert str(e) == (
        f"{tmp_path / 'config.toml'}:7: alarm[2].respons: unknown key "
        "(expected one of: match, region, response, owner, runbook)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'refresh = "fast"',
            'refresh: expected an integer number of seconds or a duration like "90s", got "fast"',
        ),
        (
            "refresh = 1.5",
            'refresh: expected an integer number of seconds or a duration like "90s"',
        ),
        ("refresh = true", "refresh: expected an integer number of seconds"),
        ("refresh = 2", "refresh: must be at least 5 seconds"),
        (
            'refresh = "0s"',
            'refresh: must be at least 5 seconds (each poll costs API calls), got "0s"',
        ),
        ("stale_after = 30", "stale_after: must be longer than refresh (60 s)"),
        ("profile = 3", "profile: expected an AWS profile name (a string), got 3"),
        ('profile = ""', 'profile: expected an AWS profile name (a string), got ""'),
        ('regions = "us-east-1"', 'regions: expected an array of region names like ["us-east-1"]'),
        ("regions = []", "regions: expected at least one region name"),
        (
            'regions = ["us-east-1", "Tokyo"]',
            'regions[2]: expected a region name like "us-east-1", got "Tokyo"',
        ),
        ("regions = [1]", 'regions[1]: expected a region name like "us-east-1", got 1'),
        (
            'endpoint_url = "127.0.0.1:4566"',
            "endpoint_url: expected a URL starting with http:// or https://",
        ),
        ("endpoint_url = 2026-01-01", "endpoint_url: expected a URL like"),
        (
            "[alarm]\nmatch = 'x'",
            "alarm: expected [[alarm]] tables (an array of tables), got a table",
        ),
        (
            "[[alarm]]\nowner = 'x'",
            'alarm[1].match: missing (expected a glob over alarm names like "contact-form-*")',
        ),
        (
            "[[alarm]]\nmatch = ''",
            'alarm[1].match: must not be empty (use "*" to match every alarm)',
        ),
        ("[[alarm]]\nmatch = 7", "alarm[1].match: expected a glob over alarm names"),
        (
            "[[alarm]]\nmatch = 'x'\nregion = 'mars'",
            'alarm[1].region: expected a region name like "us-east-1", got "mars"',
        ),
        (
            "[[alarm]]\nmatch = 'x'\nowner = []",
            "alarm[1].owner: expected a team or person (a string), got an array",
        ),
        (
            "[[alarm]]\nmatch = 'x'\nrunbook = 1",
            "alarm[1].runbook: expected a URL or a note (a string), got 1",
        ),
        ('keys = "q"', 'keys: expected a table of binding id = "key" lines, got "q"'),
        ("[keys]\nhelp = 1", 'keys.help: expected a key or keys like "r" or "r,f5"'),
        ("[keys]\nhelp = 'r,,f5'", 'got "r,,f5"'),
        ("[keys]\nhelp = 'ctrl r'", 'got "ctrl r"'),
    ],
)
def test_schema_errors(tmp_path: Path, text: str, message: str) -> None:
    e = error_of(tmp_path, text)
    assert message in str(e)
    assert str(e).startswith(str(tmp_path / "config.toml"))


def test_drilldown_rules(tmp_path: Path) -> None:
    text = """
[[drilldown]]
match = "orders-*"
log_groups = ["/ecs/orders"]
replace = true

[[drilldown]]
dimension = " QueueName = orders-* "
query = "fields @message"
"""
    s = load_settings(write(tmp_path, text), env={})
    assert s.drilldown_rules == (
        DrilldownRule(log_groups=("/ecs/orders",), match="orders-*", replace=True),
        DrilldownRule(dimension=("QueueName", "orders-*"), query="fields @message"),
    )
    assert load_settings(env={}).drilldown_rules == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[drilldown]\nmatch = 'x'",
            "drilldown: expected [[drilldown]] tables (an array of tables), got a table",
        ),
        (
            "[[drilldown]]\nlog_groups = ['/a']",
            "config.toml:1: drilldown[1]: needs at least one of match, namespace, dimension",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\n[[drilldown]]\nmatch = 'y'\nlog_group = ['/a']",
            "config.toml:5: drilldown[2].log_group: unknown key (expected one of: match, "
            "namespace, dimension, log_groups, query, replace)",
        ),
        (
            "[[drilldown]]\nmatch = 'x'",
            "drilldown[1]: needs log_groups or a query",
        ),
        (
            "[[drilldown]]\nmatch = ''\nlog_groups = ['/a']",
            "config.toml:2: drilldown[1].match: must not be empty",
        ),
        (
            "[[drilldown]]\nnamespace = 3\nlog_groups = ['/a']",
            'drilldown[1].namespace: expected a glob over metric namespaces like "AWS/SQS", got 3',
        ),
        (
            "[[drilldown]]\ndimension = 'QueueName'\nlog_groups = ['/a']",
            "config.toml:2: drilldown[1].dimension: expected a dimension name=value glob like "
            '"QueueName=orders-*", got "QueueName"',
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nlog_groups = '/a'",
            "drilldown[1].log_groups: expected an array of log group names or prefixes",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nlog_groups = ['/a', '/b*c']",
            "config.toml:3: drilldown[1].log_groups[2]: expected a log group name or a prefix "
            'ending with * like "/ecs/orders*", got "/b*c"',
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nlog_groups = ['/a', 7]",
            "drilldown[1].log_groups[2]: expected a log group name or a prefix ending with *",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nlog_groups = ['*']",
            "drilldown[1].log_groups[1]: expected a log group name or a prefix",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nquery = ' '",
            "drilldown[1].query: must not be empty (expected a Logs Insights query (a string))",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nquery = 'q'\nreplace = true",
            "config.toml:4: drilldown[1].replace: replace = true needs log_groups",
        ),
        (
            "[[drilldown]]\nmatch = 'x'\nlog_groups = ['/a']\nreplace = 'yes'",
            'drilldown[1].replace: expected true or false, got "yes"',
        ),
    ],
)
def test_drilldown_errors(tmp_path: Path, text: str, message: str) -> None:
    e = error_of(tmp_path, text)
    assert message in str(e)
    assert str(e).startswith(str(tmp_path / "config.toml"))


def test_bad_response_lists_the_patterns(tmp_path: Path) -> None:
    e = error_of(tmp_path, '[[alarm]]\nmatch = "x"\n\n\nresponse = "act now"\n')
    assert str(e).endswith(
        "config.toml:5: alarm[1].response: expected one of: act-now, next-business-day, "
        'know-only, record-only; got "act now" (did you mean "act-now"?)'
    )
    e = error_of(tmp_path, '[[alarm]]\nmatch = "x"\nresponse = "page"\n')
    assert str(e).endswith('got "page"')


def test_unknown_binding_id_lists_valid_ids(tmp_path: Path) -> None:
    e = error_of(tmp_path, '[keys]\nquit = "ctrl+q"\nrefrsh = "f5"\n')
    ids = ", ".join(DEFAULT_KEYS)
    assert str(e).endswith(
        f"config.toml:3: keys.refrsh: unknown binding id (expected one of: {ids})"
    )
    assert e.key_path == "keys.refrsh"


def test_inline_tables_point_at_their_line_and_dotted_keys_at_none(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    e = error_of(tmp_path, 'refresh = 60\nalarm = [{ match = "x", respons = "y" }]\n')
    assert str(e).startswith(f"{path}:2: alarm[1].respons: unknown key")
    e = error_of(tmp_path, 'keys = { refrsh = "f5" }\n')
    assert str(e).startswith(f"{path}:1: keys.refrsh: unknown binding id")
    e = error_of(tmp_path, 'keys.refrsh = "f5"\n')
    assert str(e).startswith(f"{path}: keys.refrsh: unknown binding id")
    assert e.line is None


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path, env={})
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'owner = "caf\xe9"')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_settings(path, env={})


# --- any file gives Settings or a ConfigError naming the file ----------------------------------

_KEYS = st.sampled_from([*SCHEMA_FIELDS[""], "keys.refresh", "keys.nope", "other"])
_SCALARS = st.one_of(st.integers(-10, 10**6), st.booleans(), st.text(max_size=12))
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_any_document_gives_settings_or_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, object]
) -> None:
    text = "\n".join(f"{key} = {json.dumps(value)}" for key, value in doc.items())
    path = tmp_path_factory.mktemp("fuzz") / "config.toml"
    path.write_text(text)
    try:
        load_settings(path, env={})
    except ConfigError as e:
        assert str(e).startswith(f"{path}")
        assert e.key_path is None or e.key_path in str(e)


def test_command_line_refresh_sets_the_stale_rule_unless_config_set_stale_after(
    tmp_path: Path,
) -> None:
    # One rule: stale_after from the file wins, else 2.5 × refresh (the command line's too).
    assert Settings().with_refresh(10).stale_after == 25
    assert Settings().with_refresh(300).stale_after == 750
    explicit = load_settings(write(tmp_path, 'stale_after = "3m"'))
    assert explicit.with_refresh(10).stale_after == 180
    assert load_settings(write(tmp_path, "refresh = 30")).with_refresh(10).stale_after == 25


def test_unknown_key_name_is_an_error_naming_file_line_and_binding(tmp_path: Path) -> None:
    e = error_of(tmp_path, '[keys]\nquit = "ctrl+q"\nrefresh = "notakey!!"\n')
    assert str(e).endswith(
        'config.toml:3: keys.refresh: "notakey!!" is not a key name (expected a key or keys like '
        '"r" or "r,f5" (Textual key names: "f5", "ctrl+r", "escape"))'
    )
    assert e.key_path == "keys.refresh" and e.line == 3
    e = error_of(tmp_path, '[keys]\nrun_query = "ctrl+r,cntrl+f9"\n')
    assert '"cntrl+f9" is not a key name' in str(e)


def test_textual_key_names_are_accepted(tmp_path: Path) -> None:
    keys = "r,f5,F,?,question_mark,enter,escape,up,pageup,ctrl+r,shift+tab,alt+x,ctrl+shift+up"
    s = load_settings(write(tmp_path, f'[keys]\nrefresh = "{keys}"\n'))
    assert s.keymap["refresh"] == keys
    for name in ("slash", "left_square_bracket", "space", "f24", "ctrl+@", "ctrl+full_stop"):
        assert load_settings(write(tmp_path, f'[keys]\nrefresh = "{name}"\n'))
    assert all(is_key_name(k) for keys in DEFAULT_KEYS.values() for k in keys.split(","))


def test_notify_table(tmp_path: Path) -> None:
    from montui.model.finding_notice import NoticeRule
    from montui.model.findings import Band

    assert load_settings(env={}).notify == NoticeRule(Band.HIGH, bell=True)
    path = tmp_path / "c.toml"
    path.write_text('[notify]\nmin_band = "Critical"\nbell = false\n')
    assert load_settings(path, env={}).notify == NoticeRule(Band.CRITICAL, bell=False)
    error = error_of(tmp_path, '[notify]\nmin_band = "severe"\n')
    assert "notify.min_band" in str(error) and "low, medium, high, critical" in str(error)


def test_review_table(tmp_path: Path) -> None:
    from datetime import timedelta

    from montui.model.review import ReviewSettings

    assert load_settings(env={}).review == ReviewSettings()
    text = '[review]\ndays = 7\nstuck_after = "12h"\nfatigue_per_day = 4.5'
    s = load_settings(write(tmp_path, text), env={})
    assert s.review == ReviewSettings(7, timedelta(hours=12), 4.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[review]\ndays = 0",
            "config.toml:2: review.days: expected a whole number of days from 1",
        ),
        ("[review]\ndays = 'x'", "review.days: expected a whole number of days from 1 to 30"),
        ("[review]\nstuck_after = 'soon'", "config.toml:2: review.stuck_after: expected"),
        ("[review]\nfatigue_per_day = -1", "review.fatigue_per_day: must be positive, got -1"),
        ("[review]\nfatigue = 3", "review.fatigue: unknown key (expected one of: days,"),
    ],
)
def test_review_table_errors(tmp_path: Path, text: str, message: str) -> None:
    assert message in str(error_of(tmp_path, text))
