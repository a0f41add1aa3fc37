"""The `montui` console script: the cyclic garbage collector is paused for the start-up
(`montui.startup_gc`), the start-up prefetch child is forked first (`montui.early`, standard
library only), then the command line is imported and run (`montui.cli`)."""

from __future__ import annotations

import sys


def main() -> int:
    """Fork the prefetch child when the arguments ask for the app, then run the command line."""
    from montui.startup_gc import pause, resume

    pause()
    try:
        from montui.early import fork_early

        early = fork_early(sys.argv[1:])
        from montui.cli import main as cli_main

        return cli_main(early=early)
    finally:
        resume()
