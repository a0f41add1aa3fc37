"""The Textual app: screens poll sources from workers; widgets render models."""
