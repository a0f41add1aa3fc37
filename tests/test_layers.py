"""The layer rules of ARCHITECTURE.md, checked at run time (import-linter checks them statically
in `make lint`): model and sources know nothing of the UI; montui never imports the local AWS
world (`montui_world`), which imports only `montui.model`; the first frame's imports leave out
the AWS stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "montui"
WORLD = SRC.parent / "montui_world"


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_model_and_sources_do_not_load_textual_or_rich() -> None:
    modules = [f"montui.model.{p.stem}" for p in (SRC / "model").glob("*.py")]
    modules += [f"montui.sources.{p.stem}" for p in (SRC / "sources").glob("*.py")]
    modules += [f"montui.feeds.{p.stem}" for p in (SRC / "feeds").glob("*.py")]
    loaded = _top(_loaded_after("\n".join(f"import {m}" for m in modules)))
    assert not loaded & {"textual", "rich"}


def test_first_frame_imports_leave_out_the_aws_stack() -> None:
    loaded = _top(
        _loaded_after(
            "import montui.cli, montui.ui.app, montui.feeds.session, montui.feeds.alarms, "
            "montui.feeds.insights, montui.feeds.metric_data, montui.feeds.history"
        )
    )
    assert not loaded & {"aiobotocore", "botocore", "boto3", "aiohttp", "moto"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_montui_never_imports_the_world() -> None:
    for path in SRC.rglob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] == "montui_world"}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_world_imports_only_the_model_of_montui() -> None:
    for path in WORLD.rglob("*.py"):
        montui = {n for n in _imports(path) if n.split(".")[0] == "montui"}
        bad = {n for n in montui if n != "montui.model" and not n.startswith("montui.model.")}
        assert not bad, f"{path.relative_to(WORLD)} imports {bad}"


def test_the_world_runs_without_importing_the_console() -> None:
    loaded = _loaded_after("import montui_world.serve")
    assert not {m for m in loaded if m.startswith("montui.") and not m.startswith("montui.model")}
    assert not _top(loaded) & {"textual", "rich", "aiobotocore"}


@pytest.mark.parametrize("layer", ["model", "sources", "feeds"])
def test_lower_layers_never_import_the_ui(layer: str) -> None:
    for path in (SRC / layer).rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(("montui.ui", "textual", "rich"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"
