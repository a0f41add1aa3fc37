"""`python -m montui` runs the command line (as the `montui` console script does)."""

from montui.start import main

raise SystemExit(main())
