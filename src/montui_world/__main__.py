"""`python -m montui_world serve [--port N] [--speed X] [--seed S] [--ready-json]
[--alarms-per-region N]`.

See `montui_world.serve`."""

import sys

from montui_world.serve import main

if sys.argv[1:2] != ["serve"]:
    print(
        "usage: python -m montui_world serve [--port N] [--speed X] [--seed S] [--ready-json]",
        file=sys.stderr,
    )
    raise SystemExit(2)
raise SystemExit(main(sys.argv[2:]))
