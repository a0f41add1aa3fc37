"""The `:` command line's table: each command's name, aliases, argument and the pane it opens;
parsing a typed line, completing names and arguments, and "unknown command" with the closest
name. Pure: the app passes the choices it knows (regions of the connection, DB instances of
the load feed) and dispatches a `Parsed` with `MontuiApp.open_pane(pane, **args)`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from msgspec import Struct

from montui.model.investigation import WINDOW_MOVES

ALL_REGIONS = "all"
"""`:region all`: every configured region again."""


class Command(Struct, frozen=True):
    """One `:` command. `argument` names the kind of its argument (a key of the choices the
    app passes: "region", "instance", "window") and `required` whether it must be given."""

    name: str
    pane: str
    help: str
    aliases: tuple[str, ...] = ()
    argument: str | None = None
    required: bool = False
    key: str | None = None
    """The single key that does the same on the board, if any (shown by `:help`)."""

    @property
    def usage(self) -> str:
        if self.argument is None:
            return f":{self.name}"
        arg = self.argument.upper()
        return f":{self.name} {arg}" if self.required else f":{self.name} [{arg}]"


COMMANDS: tuple[Command, ...] = (
    Command("triage", "triage", "the home: what needs action now", ("home", "t")),
    Command("alarms", "alarms", "the alarm board", ("board", "a"), key="b"),
    Command("findings", "findings", "GuardDuty findings (since the window, if one is set)",
            ("guardduty", "f"), key="f"),
    Command("ses", "ses", "SES sending reputation, at REGION", ("email", "reputation", "e"),
            argument="region", key="e"),
    Command("db", "db", "database load (Performance Insights) of INSTANCE, else a picker",
            ("dbload", "pi", "d"), argument="instance", key="d"),
    Command("logs", "logs", "Logs Insights drill-down of the selected or opened alarm",
            ("l",), key="l"),
    Command("workbench", "workbench", "the Logs Insights workbench", ("wb", "w"), key="w"),
    Command("review", "review", "the alarm review", ("v",), key="v"),
    Command("region", "region", "show only REGION in the panes opened next (all: every region)",
            ("r",), argument="region", required=True),
    Command("account", "account", "show only ACCOUNT (an [[account]] alias) on the board and "
            "in the panes opened next (all: every account)", ("acc",), argument="account",
            required=True),
    Command("window", "window", "the shared window: widen, earlier, later or drop it",
            ("win",), argument="window", required=True),
    Command("help", "help", "the keys and commands", ("h", "keys"), key="?"),
    Command("quit", "quit", "leave montui", ("q", "exit"), key="q"),
)  # fmt: skip

BY_NAME: Mapping[str, Command] = {
    **{alias: c for c in COMMANDS for alias in c.aliases},
    **{c.name: c for c in COMMANDS},
}


class CommandError(ValueError):
    """A line that does not run: the message says why, and what was meant where it can."""


class Parsed(Struct, frozen=True):
    """A line that runs: the command and its argument (None: none given)."""

    command: Command
    argument: str | None = None


def closest(name: str) -> str | None:
    """The command name `name` most likely meant (None: nothing close)."""
    found = difflib.get_close_matches(name.lower(), list(BY_NAME), n=1, cutoff=0.5)
    if not found:
        starts = [c.name for c in COMMANDS if c.name.startswith(name.lower()[:2])] if name else []
        return starts[0] if starts else None
    return BY_NAME[found[0]].name


def parse(text: str, choices: Mapping[str, Sequence[str]]) -> Parsed:
    """The command `text` names (a leading `:` is optional). Arguments of kind "region" and
    "window" must be among `choices[kind]` ("region" also takes `all`); an instance is
    checked only when the app knows some (the feed may not have listed them yet)."""
    words = text.strip().removeprefix(":").split()
    if not words:
        raise CommandError("Type a command: " + ", ".join(c.name for c in COMMANDS))
    name, args = words[0].lower(), words[1:]
    command = BY_NAME.get(name)
    if command is None:
        guess = closest(name)
        hint = f" — did you mean :{guess}?" if guess else " — :help lists them"
        raise CommandError(f"Unknown command :{name}{hint}")
    if command.argument is None:
        if args:
            raise CommandError(f":{command.name} takes no argument ({command.usage})")
        return Parsed(command)
    if len(args) > 1:
        raise CommandError(f":{command.name} takes one argument ({command.usage})")
    if not args:
        if command.required:
            known = _known(command.argument, choices)
            some = f": {', '.join(known[:6])}" if known else ""
            raise CommandError(f":{command.name} needs {command.argument}{some} ({command.usage})")
        return Parsed(command)
    return Parsed(command, _checked(command, args[0], choices))


def _known(kind: str, choices: Mapping[str, Sequence[str]]) -> list[str]:
    known = list(choices.get(kind, ()))
    if kind == "window":
        known = list(WINDOW_MOVES)
    if kind in ("region", "account"):
        known.append(ALL_REGIONS)
    return known


def _checked(command: Command, arg: str, choices: Mapping[str, Sequence[str]]) -> str:
    kind = command.argument or ""
    known = _known(kind, choices)
    if kind == "window":
        arg = arg.lower()
    if arg in known:
        return arg
    if kind == "instance" and not choices.get(kind):
        return arg  # not listed yet: the pane says if there is no such instance
    near = difflib.get_close_matches(arg, known, n=1, cutoff=0.6)
    hint = f" — did you mean {near[0]}?" if near else f" (one of: {', '.join(known[:6])})"
    raise CommandError(f"Unknown {kind} {arg!r} for :{command.name}{hint}")


def complete(text: str, choices: Mapping[str, Sequence[str]]) -> list[str]:
    """Every full line `text` can complete to, sorted: command names while the first word is
    typed, then the command's arguments. `text` keeps or drops its leading `:`."""
    body = text.lstrip().removeprefix(":")
    words = body.split(" ")
    if len(words) == 1:
        prefix = words[0].lower()
        names = sorted({c.name for c in COMMANDS if c.name.startswith(prefix)})
        if not names:
            names = sorted({c.name for a, c in BY_NAME.items() if a.startswith(prefix)})
        return [n + (" " if BY_NAME[n].argument else "") for n in names]
    command = BY_NAME.get(words[0].lower())
    if command is None or command.argument is None or len(words) > 2:
        return []
    prefix = words[1]
    known = _known(command.argument, choices)
    return [f"{command.name} {k}" for k in sorted(set(known)) if k.startswith(prefix)]


def common_prefix(candidates: Sequence[str]) -> str:
    """What tab can fill in without choosing: the longest prefix all candidates share."""
    if not candidates:
        return ""
    first, last = min(candidates), max(candidates)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]
