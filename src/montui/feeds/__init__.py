"""What the UI reads from AWS, one small protocol per need, between `ui` and `sources`.

Each module holds a `Protocol` (what a screen needs) and its AWS implementation over
`sources/`, built from the `AwsSession` (`session.py`), which owns the resolved target, the
long-lived clients and, for `--demo`, the local AWS world's child process. Tests hand screens
fakes of the same protocols (`tests/fakes/`). A new AWS service is one module here, beside
its `sources/` module and its fake; nothing else is edited but the composition root
(`ui/app.py`) and the screen that shows it. No textual here.
"""
