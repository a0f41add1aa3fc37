"""Pure values and logic: no I/O, no textual, no aiobotocore. Most unit tests live here."""
