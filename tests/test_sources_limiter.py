"""The global limiter (`sources.limiter`): at most the quota's requests start in any second per
(account, region, family), waiting on the event loop; wired into every `AwsClients` client.
Time is moved by hand: the limiter's clock, and a sleep that only the test ends."""

from __future__ import annotations

import asyncio

from montui.model.place import Place
from montui.sources.limiter import RateLimiter, family
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.world import World

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


class HandTime:
    """A clock that moves only when a sleeping request is let go (`advance`)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleepers: list[tuple[float, asyncio.Event]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        event = asyncio.Event()
        self.sleepers.append((self.now + seconds, event))
        await event.wait()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for at, event in self.sleepers:
            if at <= self.now + 1e-9:
                event.set()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def burst(limiter: RateLimiter, time: HandTime, calls: list[tuple[str, str]]) -> list[float]:
    """Start every call at once; move time in 1/16 s steps until all went; their start times."""
    started: list[float] = [0.0] * len(calls)

    async def one(i: int, region: str, operation: str) -> None:
        await limiter.acquire("111111111111", region, "cloudwatch", operation)
        started[i] = time.now

    tasks = [asyncio.ensure_future(one(i, r, op)) for i, (r, op) in enumerate(calls)]
    for _ in range(400):
        await settle()
        if all(t.done() for t in tasks):
            break
        time.advance(0.0625)  # exact in binary: start times compare exactly
    assert all(t.done() for t in tasks)
    return started


def most_in_a_second(starts: list[float]) -> int:
    return max(sum(1 for s in starts if t <= s < t + 1.0 - 1e-9) for t in starts)


async def test_a_burst_of_20_describe_alarms_starts_at_most_9_a_second() -> None:
    time = HandTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    starts = await burst(limiter, time, [(TOKYO, "DescribeAlarms")] * 20)
    assert most_in_a_second(starts) == 9
    assert sorted(starts)[8] == 100.0 and sorted(starts)[9] >= 101.0  # 9 at once, then wait
    assert max(starts) - min(starts) < 2.1  # and no slower than the quota


async def test_regions_and_families_are_independent() -> None:
    time = HandTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    calls = [(TOKYO, "DescribeAlarms")] * 12 + [(VIRGINIA, "DescribeAlarms")] * 9
    calls += [(TOKYO, "GetMetricData")] * 40
    starts = await burst(limiter, time, calls)
    assert all(s == 100.0 for s in starts[12:])  # Virginia's 9 and the 40 charts: at once
    assert starts[:12].count(100.0) == 9


async def test_a_waiting_request_does_not_hold_the_event_loop() -> None:
    time = HandTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    waiting = [
        asyncio.ensure_future(limiter.acquire("a", TOKYO, "cloudwatch", "DescribeAlarmHistory"))
        for _ in range(4)
    ]
    await settle()
    assert [t.done() for t in waiting] == [True, True, True, False]  # 3 a second
    other = await limiter.acquire("a", VIRGINIA, "cloudwatch", "DescribeAlarmHistory")
    assert other == 0.0  # ran while the fourth still waits, the clock not moved
    assert not waiting[3].done()
    time.advance(1.0)
    await settle()
    assert waiting[3].done() and waiting[3].result() == 1.0


def test_the_quota_table() -> None:
    assert family("cloudwatch", "DescribeAlarms") == ("cloudwatch:DescribeAlarms", 9)
    assert family("cloudwatch", "GetMetricData")[1] == 50
    assert family("cloudwatch", "DescribeAlarmHistory")[1] == 3
    assert family("guardduty", "ListFindings") == ("guardduty:ListFindings", 10)


async def test_every_client_of_aws_clients_waits_its_turn(world: World) -> None:
    time = HandTime()
    limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
    async with AwsClients(AwsTarget(None, (TOKYO,), world.endpoint), limiter=limiter) as aws:
        client = await aws.client("cloudwatch", Place("", TOKYO))
        calls = [asyncio.ensure_future(client.describe_alarms()) for _ in range(12)]
        for _ in range(200):
            await asyncio.sleep(0.01)
            if len(time.sleepers) == 3:
                break
        assert len(time.sleepers) == 3  # 9 sent, 3 waiting before being sent
        assert sum(c.done() for c in calls) <= 9
        time.advance(1.0)
        await asyncio.gather(*calls)
        assert limiter.waited == 3.0
        # Counted under the profile until the account is named, then under the account.
        aws.name_account("123456789012")
        key = ("123456789012", TOKYO, "cloudwatch:DescribeAlarms")
        waits = [limiter.reserve(key, 9) for _ in range(7)]  # 3 of the window are used
        assert waits == [0.0] * 6 + [1.0]
