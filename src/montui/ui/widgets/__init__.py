"""Reusable pieces of the montui screens, each with its own DEFAULT_CSS."""
