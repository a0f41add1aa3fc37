"""The layer rules of ARCHITECTURE.md, checked: model and sources know nothing of the UI;
ui and sources never import the demo world; the first frame's imports leave out the AWS stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "montui"


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


@pytest.mark.parametrize("layer", ["ui", "feeds", "sources", "model"])
def test_layer_never_imports_the_demo_world(layer: str) -> None:
    for path in (SRC / layer).rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith("montui.demo")}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


@pytest.mark.parametrize("layer", ["model", "sources", "feeds"])
def test_lower_layers_never_import_the_ui(layer: str) -> None:
    for path in (SRC / layer).rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(("montui.ui", "textual", "rich"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"
