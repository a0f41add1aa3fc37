"""Async adapters over aiobotocore, one module per AWS service.

Each public coroutine takes plain arguments, returns `montui.model` objects and raises only
`montui.sources.errors.SourceError` subclasses. No textual imports here, and no module-level
aiobotocore imports (the UI imports these modules before the first paint).
"""
