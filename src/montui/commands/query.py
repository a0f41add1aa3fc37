"""`montui query`: a Logs Insights query for scripts and pipes, on the workbench's engine.

Rows go to stdout: `jsonl` streams rows as GetQueryResults returns them (queries whose rows
carry `@ptr`, i.e. without `stats`; a row streamed early may fall out of a final
`sort … | limit N`), `table`, `json` and `csv` print once the query is complete. Progress and
statistics go to stderr, only when stderr is a terminal. Ctrl+C stops the query on AWS
(StopQuery) before exiting with 130; SIGTERM and SIGHUP too (exit 143 and 129), within
`exit_signals.SHUTDOWN_SECONDS`. While the query runs its id is kept in montui's data directory
(`montui.running_queries`); a query that a killed `montui query` or montui left running is
stopped first, with a line on stderr.

Exit status: 0 success; 1 the query failed (malformed, unknown log group, AWS error, or it
ended Failed/Cancelled/Timeout); 2 bad arguments or credential/profile/region problems.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, TextIO

from montui import exit_signals
from montui.config import user_data_dir
from montui.launch import AwsRequest, DemoWorldError, resolved_target
from montui.model.logs import QueryResult, QueryRun, QueryStatus
from montui.model.place import Place
from montui.model.result_format import result_text, visible
from montui.running_queries import RunningQueries

if TYPE_CHECKING:
    from montui.sources.target import AwsTarget

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
OUTPUTS = ("table", "json", "jsonl", "csv")


def caret_lines(text: str, start: int, end: int | None = None) -> list[str]:
    """The line of `text` holding offset `start`, and a line of carets under [start, end)."""
    start = max(0, min(start, len(text)))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    stop = line_end if end is None else max(start + 1, min(end, line_end))
    column = start - line_start
    return [text[line_start:line_end], " " * column + "^" * max(1, stop - start)]


def write_result(result: QueryResult, output: str, out: TextIO) -> None:
    """The final result in `output` format (jsonl: every row)."""
    out.write(result_text(result, output))


def progress_line(result: QueryResult) -> str:
    """`Running: 1,234 records scanned, 12 matched, 3.4 MB scanned (~$0.00002)`."""
    s = result.statistics
    return (
        f"{result.status.value}: {s.records_scanned:,.0f} records scanned, "
        f"{s.records_matched:,.0f} matched, {s.bytes_scanned / 1e6:,.1f} MB scanned "
        f"(~${s.cost_usd:.5f})"
    )


class _Printer:
    """Writes snapshots as they come: streamed jsonl rows, progress on a terminal."""

    def __init__(self, output: str, out: TextIO, err: TextIO) -> None:
        self.output = output
        self.out = out
        self.err = err
        self.tty = err.isatty()
        self.streamed: set[str] = set()

    def snapshot(self, result: QueryResult) -> None:
        if self.output == "jsonl" and result.rows and all("@ptr" in r for r in result.rows):
            fresh = [r for r in result.rows if r["@ptr"] not in self.streamed]
            if result.status is not QueryStatus.COMPLETE:
                fresh.reverse()  # partial rows arrive newest first; print oldest first
            for row in fresh:
                self.streamed.add(row["@ptr"])
                self.out.write(json.dumps(visible(row), ensure_ascii=False) + "\n")
            self.out.flush()
        if self.tty:
            self.err.write("\r\x1b[K" + progress_line(result))
            self.err.flush()

    def final(self, result: QueryResult) -> None:
        if self.tty:
            self.err.write("\n")
            self.err.flush()
        if self.output == "jsonl" and self.streamed:
            return  # every row went out as it arrived
        write_result(result, self.output, self.out)


class Terminated(Exception):
    """SIGTERM or SIGHUP arrived; the query was stopped on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(exit_signals.signal_name(signum))
        self.signum = signum


async def _run(
    target: AwsTarget, run: QueryRun, printer: _Printer, ledger: RunningQueries
) -> QueryResult | None:
    """The query, stopped on AWS if SIGTERM/SIGHUP cancels it (then `Terminated`)."""
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []

    def on_signal(signum: int) -> None:
        if not received:
            exit_signals.exit_anyway_after(exit_signals.SHUTDOWN_SECONDS, 128 + signum)
            task.cancel()
        received.append(signum)

    remove = exit_signals.install(asyncio.get_running_loop(), on_signal)
    try:
        return await _query(target, run, printer, ledger)
    except asyncio.CancelledError:
        if received:
            raise Terminated(received[0]) from None
        raise
    finally:
        remove()


async def _query(
    target: AwsTarget, run: QueryRun, printer: _Printer, ledger: RunningQueries
) -> QueryResult | None:
    from montui.feeds.leftover_queries import stop_leftover_queries
    from montui.sources.logs import run_query
    from montui.sources.session import AwsClients

    place = Place("", target.regions[0])

    def remember(query_id: str) -> None:
        try:
            ledger.add(query_id, place.region, "", target.endpoint_url, target.profile)
        except OSError as exc:
            printer.err.write(f"montui: could not record the running query: {exc}\n")

    def forget(query_id: str) -> None:  # it runs no more: finished, or stopped
        with contextlib.suppress(OSError):
            ledger.remove(query_id)

    last: QueryResult | None = None
    async with AwsClients(target) as clients:
        sweep = await stop_leftover_queries(ledger, clients)
        for warning in sweep.warnings:
            printer.err.write(f"montui: {warning}\n")
        if sweep.stopped:
            printer.err.write(f"montui: {sweep.summary()}\n")
        snapshots = run_query(
            clients,
            place,
            run.query,
            run.groups,
            run.start,
            run.end,
            limit=run.limit,
            on_start=remember,
            on_end=forget,  # not when StopQuery failed: the next montui stops it
        )
        async with aclosing(snapshots) as results:
            async for snapshot in results:
                printer.snapshot(snapshot)
                last = snapshot
    return last


def run_query_command(
    request: AwsRequest,
    run: QueryRun,
    *,
    output: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
    ledger: RunningQueries | None = None,
) -> int:
    """Run the query, print its rows, return the exit status. `ledger`: where the running
    query is kept (default: montui's data directory)."""
    from montui.sources.errors import MalformedQuery, SourceError

    out = out or sys.stdout
    err = err or sys.stderr
    printer = _Printer(output, out, err)
    ledger = ledger or RunningQueries(user_data_dir())
    try:
        with resolved_target(request) as target:
            result = asyncio.run(_run(target, run, printer, ledger))
    except KeyboardInterrupt:
        err.write("\nmontui: interrupted; the query was stopped\n")
        return EXIT_INTERRUPTED
    except Terminated as exc:
        err.write(f"\nmontui: {exc}; the query was stopped\n")
        return 128 + exc.signum
    except MalformedQuery as exc:
        _report(exc, err)
        if exc.start is not None:
            for line in caret_lines(run.query, exc.start, exc.end):
                err.write(f"  {line}\n")
        return EXIT_FAILED
    except DemoWorldError as exc:
        _report(exc, err)
        return EXIT_USAGE
    except SourceError as exc:
        _report(exc, err)
        return EXIT_USAGE if exc.fatal else EXIT_FAILED
    if result is None or result.status is not QueryStatus.COMPLETE:
        status = result.status.value if result else "no answer"
        err.write(f"montui: the query ended {status}\n")
        return EXIT_FAILED
    printer.final(result)
    return EXIT_OK


def _report(exc: Exception, err: TextIO) -> None:
    err.write(f"montui: {exc}\n")
    hint = getattr(exc, "cli_hint", getattr(exc, "hint", ""))  # a command does not retry
    if hint:
        err.write(f"  {hint}\n")


def check_groups(groups: Sequence[str] | None) -> tuple[str, ...]:
    """The -g values, duplicates dropped; ValueError when there are none."""
    names = tuple(dict.fromkeys(g for g in groups or () if g))
    if not names:
        raise ValueError("name at least one log group with -g GROUP")
    return names
