"""montui: a terminal operations console for AWS, for the engineer on call."""

__version__ = "0.1.0"
