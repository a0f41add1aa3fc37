"""`python -m montui` runs the command line."""

from montui.cli import main

raise SystemExit(main())
