"""The start-up prefetch: the child's answer handed over once to the alarms feed, every
failure falling back to the normal path, the child's read-only guard, its real fork against
the local AWS world, and which commands start one."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from montui import cli
from montui.config import Settings
from montui.feeds import prefetch as prefetch_module
from montui.feeds.prefetch import AlarmPrefetch, spawn_prefetch, start_prefetch
from montui.feeds.prefetched_alarms import PrefetchedAlarms
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.sources.errors import NotAllowed
from montui.sources.prefetch import make_client, run_prefetch, target_to_json
from montui.sources.target import AwsTarget
from montui_world.world import World
from tests.fakes import make_alarm
from tests.fakes.alarms import FakeAlarms

REGION = "ap-northeast-1"
OTHER = "us-east-1"
ARN = f"arn:aws:cloudwatch:{REGION}:111122223333:alarm:from-the-prefetch"


class Pipe:
    """A hand-written prefetch child: lines written to a real pipe the prefetch reads."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.stopped = 0

    def line(self, data: dict[str, Any]) -> None:
        os.write(self.write_fd, (json.dumps(data) + "\n").encode())

    def end(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def prefetch(self, *, now: float = 100.0, max_age: float = 60.0) -> AlarmPrefetch:
        def stop() -> None:
            self.stopped += 1

        return AlarmPrefetch(
            self.read_fd, stop, max_age=max_age, clock=lambda: now, answer_wait=0.2
        )


@pytest.fixture
def pipe() -> Iterator[Pipe]:
    made = Pipe()
    yield made
    made.end()


def answer(region: str = REGION, *, at: float = 90.0) -> dict[str, Any]:
    page = {
        "MetricAlarms": [
            {
                "AlarmName": "from-the-prefetch",
                "AlarmArn": ARN,
                "StateValue": "ALARM",
                "StateUpdatedTimestamp": "2026-11-21T03:30:00+00:00",
                "MetricName": "Errors",
                "Namespace": "AWS/Lambda",
            }
        ],
        "CompositeAlarms": [],
    }
    return {"region": region, "pages": [page], "at": at}


def fake_feed() -> FakeAlarms:
    return FakeAlarms({REGION: [make_alarm("from-aws", state=AlarmState.ALARM, region=REGION)]})


async def test_the_first_answer_comes_from_the_prefetch_then_aws(pipe: Pipe) -> None:
    pipe.line({"target": {"profile": None, "regions": [REGION], "endpoint_url": None}})
    pipe.line(answer())
    prefetch = pipe.prefetch()
    inner = fake_feed()
    learned: list[str] = []
    feed = PrefetchedAlarms(inner, lambda: prefetch, learned.append)

    target = await prefetch.target()
    first = await feed.alarms_in_alarm(REGION)
    second = await feed.alarms_in_alarm(REGION)

    assert target == AwsTarget(None, (REGION,), None)
    assert [a.name for a in first] == ["from-the-prefetch"]
    assert first[0].state is AlarmState.ALARM and first[0].region == REGION
    assert first[0].state_updated == datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
    assert learned == ["111122223333"]
    assert [a.name for a in second] == ["from-aws"]
    assert inner.alarm_polls == {REGION: 1}  # only the second went to AWS
    assert prefetch.handed_over == {REGION}
    assert [a.name for a in await feed.alarms(REGION)] == ["from-aws"]  # the full listing
    prefetch.close()
    prefetch.close()
    assert pipe.stopped == 1


async def test_an_error_line_falls_back_to_aws(pipe: Pipe) -> None:
    pipe.line({"region": REGION, "error": "ClientError: AccessDenied"})
    prefetch = pipe.prefetch()
    inner = fake_feed()
    found = await PrefetchedAlarms(inner, lambda: prefetch).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]
    assert inner.alarm_polls == {REGION: 1}
    assert prefetch.handed_over == set()


async def test_a_child_that_died_falls_back_and_gives_no_target(pipe: Pipe) -> None:
    pipe.line({"error": "UnknownProfile: nope"})
    pipe.end()
    prefetch = pipe.prefetch()
    inner = fake_feed()
    assert await prefetch.target() is None
    found = await PrefetchedAlarms(inner, lambda: prefetch).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]


async def test_a_slow_prefetch_falls_back_after_its_wait(pipe: Pipe) -> None:
    pipe.line(answer(OTHER))  # another region answered; this one never does
    prefetch = pipe.prefetch()
    inner = fake_feed()
    found = await PrefetchedAlarms(inner, lambda: prefetch).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]
    assert inner.alarm_polls == {REGION: 1}


async def test_an_answer_older_than_max_age_is_dropped(pipe: Pipe) -> None:
    pipe.line(answer(at=10.0))  # 90 s before the clock's 100, max age 60
    prefetch = pipe.prefetch(now=100.0, max_age=60.0)
    inner = fake_feed()
    found = await PrefetchedAlarms(inner, lambda: prefetch).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]
    assert prefetch.handed_over == set()


async def test_malformed_output_falls_back(pipe: Pipe) -> None:
    os.write(pipe.write_fd, b"{not json\n")
    prefetch = pipe.prefetch()
    inner = fake_feed()
    assert await prefetch.target() is None
    found = await PrefetchedAlarms(inner, lambda: prefetch).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]


async def test_no_prefetch_goes_straight_to_aws() -> None:
    inner = fake_feed()
    found = await PrefetchedAlarms(inner, lambda: None).alarms_in_alarm(REGION)
    assert [a.name for a in found] == ["from-aws"]


# The child, against the local AWS world -----------------------------------------------------


def put_in_alarm(world: World, region: str, name: str) -> None:
    cw = boto3.client("cloudwatch", region_name=region, endpoint_url=world.endpoint)
    cw.put_metric_alarm(
        AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")


def test_the_childs_client_refuses_what_the_policy_does_not_grant(world: World) -> None:
    client = make_client(AwsTarget(None, (REGION,), world.endpoint), REGION)
    with pytest.raises(NotAllowed):
        client.put_metric_alarm(
            AlarmName="x", Namespace="n", MetricName="m", Statistic="Sum", Period=60,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        client.set_alarm_state(AlarmName="x", StateValue="OK", StateReason="no")
    assert client.describe_alarms(StateValue="ALARM")["MetricAlarms"] == []


def test_the_child_writes_the_target_then_each_regions_alarm_alarms(world: World) -> None:
    put_in_alarm(world, REGION, "firing")
    cw = boto3.client("cloudwatch", region_name=OTHER, endpoint_url=world.endpoint)
    cw.put_metric_alarm(
        AlarmName="quiet", Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    target = AwsTarget(None, (REGION, OTHER), world.endpoint)
    lines: list[dict[str, Any]] = []
    run_prefetch(lambda: target, lines.append)
    assert lines[0] == {"target": target_to_json(target)}
    by_region = {line["region"]: line for line in lines[1:]}
    assert set(by_region) == {REGION, OTHER}
    names = [a["AlarmName"] for p in by_region[REGION]["pages"] for a in p["MetricAlarms"]]
    assert names == ["firing"]
    assert [a for p in by_region[OTHER]["pages"] for a in p["MetricAlarms"]] == []


def test_a_failed_resolve_is_one_error_line() -> None:
    def fail() -> AwsTarget:
        raise RuntimeError("no region")

    lines: list[dict[str, Any]] = []
    run_prefetch(fail, lines.append)
    assert lines == [{"error": "RuntimeError: no region"}]


async def test_the_forked_child_answers_and_is_reaped(world: World) -> None:
    put_in_alarm(world, REGION, "firing")
    request = AwsRequest(regions=(REGION,), endpoint_url=world.endpoint)
    prefetch = start_prefetch(request, max_age=3600)
    assert prefetch is not None
    try:
        target = await prefetch.target()
        got = await prefetch.take(REGION)
    finally:
        prefetch.close()
    assert target == AwsTarget(None, (REGION,), world.endpoint)
    assert got is not None
    assert [a["AlarmName"] for p in got.pages for a in p["MetricAlarms"]] == ["firing"]


def test_no_fork_for_the_demo() -> None:
    assert start_prefetch(AwsRequest(demo=True), max_age=60) is None


# Which commands start one ------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[AwsRequest]:
    calls: list[AwsRequest] = []

    def record(request: AwsRequest, *, max_age: float, early: object = None) -> None:
        calls.append(request)

    monkeypatch.setattr(prefetch_module, "start_prefetch", record)
    monkeypatch.setenv("MONTUI_CONFIG", "/dev/null")
    return calls


@pytest.mark.parametrize(
    "argv",
    [
        ["alarms", "--output", "json"],
        ["query", "fields @message", "-g", "/aws/lambda/x", "--since", "5m"],
        ["ses", "--output", "json"],
        ["findings", "--output", "json"],
    ],
)
def test_subcommands_start_no_prefetch(
    world: World, started: list[AwsRequest], argv: list[str]
) -> None:
    cli.main([*argv, "--region", REGION, "--endpoint-url", world.endpoint])
    assert started == []


def test_the_interactive_app_starts_one(
    started: list[AwsRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    from montui.ui.app import MontuiApp

    monkeypatch.setattr(MontuiApp, "run", lambda self, *a, **k: None)
    assert cli.main(["--region", REGION, "--endpoint-url", "http://127.0.0.1:9"]) == 0
    assert [r.regions for r in started] == [(REGION,)]


async def test_the_spawned_child_for_the_demo_answers(world: World) -> None:
    put_in_alarm(world, REGION, "firing")
    target = AwsTarget(None, (REGION,), world.endpoint, static_credentials=("AKIDEMO", "secret"))
    prefetch = spawn_prefetch(target, max_age=3600)
    assert prefetch is not None
    try:
        assert await prefetch.target() == target
        got = await prefetch.take(REGION)
    finally:
        prefetch.close()
    assert got is not None
    assert [a["AlarmName"] for p in got.pages for a in p["MetricAlarms"]] == ["firing"]


def WithAccounts() -> Settings:
    """Settings with `[[account]]` entries (two role accounts)."""
    from montui.model.accounts import AccountSpec

    role = "arn:aws:iam::{}:role/montui-readonly"
    specs = (
        AccountSpec("prod", role_arn=role.format("111111111111")),
        AccountSpec("staging", role_arn=role.format("222222222222")),
    )
    return Settings(accounts=specs)


def test_no_prefetch_when_the_config_names_accounts(
    started: list[AwsRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    from montui.early import fork_early
    from montui.ui.app import MontuiApp

    monkeypatch.setattr(MontuiApp, "run", lambda self, *a, **k: None)
    early = fork_early([])
    assert early is not None
    request = AwsRequest(regions=(REGION,), endpoint_url="http://127.0.0.1:9")
    assert cli._run_app(request, WithAccounts(), early) == 0
    early.abandon()  # what cli.main does on its way out
    assert started == []
    with pytest.raises(ChildProcessError):
        os.waitpid(early.pid, os.WNOHANG)


async def test_the_first_poll_asks_for_the_alarm_alarms_then_lists_every_alarm() -> None:
    """The first poll of a region shows the ALARM rows (the prefetch's answer) before the
    full listing, which follows at once; later polls list every alarm."""
    import asyncio

    from montui.ui.screens.board_poll import BoardPoll
    from tests.fakes import NOW, fake_feeds

    inner = FakeAlarms(
        {REGION: [make_alarm("firing", AlarmState.ALARM), make_alarm("fine", AlarmState.OK)]}
    )
    seen: list[tuple[str, ...]] = []
    paused = asyncio.Event()

    async def pause(wake: asyncio.Event, seconds: float) -> None:
        paused.set()
        await asyncio.Event().wait()

    def changed() -> None:
        seen.append(tuple(sorted(a.name for a in poll.statuses[("", REGION)].alarms)))

    poll = BoardPoll(
        fake_feeds(inner), refresh_every=60, clock=lambda: NOW, changed=changed,
        polled=lambda region, alarms: None, fatal=lambda message: None, pause=pause,
    )  # fmt: skip
    assert await poll.connect() is not None
    task = asyncio.ensure_future(poll.poll_region(REGION))
    await asyncio.wait_for(paused.wait(), 10)
    task.cancel()
    assert seen[0] == ("firing",) and seen[-1] == ("fine", "firing")
    assert inner.alarm_polls == {REGION: 1} and inner.polls == {REGION: 1}
