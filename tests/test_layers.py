"""Imports run one way: nothing lower imports anything higher, not even inside a function.

Layers, lowest first (DEVELOPERS.md draws them):

    0 core    chidao.config, chidao.records, chidao.failpoints
    1 lang    chidao.lang.*      Vietnamese text, agency names and canon, document numbers and citations
    2 models  chidao.models.*    encoders and the model conversion
    3 store   chidao.store.*     the index on disk: schema, writer, snapshot, cache, dense and lexical backends
    4 stages  ingest.* | search.*  siblings: ingest writes through the store, search reads through it
    5 top     webui.*, app, chidao.cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("chidao", "ingest", "search", "webui")

LAYERS: list[tuple[str, int]] = [  # most specific prefix first
    ("chidao.cli", 5),
    ("chidao.lang", 1),
    ("chidao.models", 2),
    ("chidao.store", 3),
    ("chidao", 0),
    ("ingest", 4),
    ("search", 4),
    ("webui", 5),
    ("app", 5),
]
SIBLINGS = {("ingest", "search"), ("search", "ingest")}


def layer_of(module: str) -> int | None:
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def project_modules() -> list[Path]:
    files = [ROOT / "app.py"]
    for pkg in PACKAGES:
        files += sorted((ROOT / pkg).rglob("*.py"))
    return files


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module an import statement names, at any depth (functions and methods included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # "from chidao import store" names the submodule chidao.store
            found += [(node.lineno, f"{target}.{a.name}") for a in node.names if is_module(f"{target}.{a.name}")]
    return found


def violations() -> list[str]:
    bad = []
    for path in project_modules():
        module = module_name(path)
        mine = layer_of(module)
        assert mine is not None, f"{module} has no layer: add it to LAYERS in tests/test_layers.py"
        top = module.split(".")[0]
        for line, target in imported_modules(path, module):
            theirs = layer_of(target)
            if theirs is None:
                continue  # the standard library or a third-party package
            other_top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line}"
            if theirs > mine:
                bad.append(f"{where}: {module} (layer {mine}) imports {target} (layer {theirs})")
            elif (top, other_top) in SIBLINGS:
                bad.append(f"{where}: {module} imports its sibling {target}")
    return bad


def test_imports_run_one_way() -> None:
    assert violations() == []


def test_every_module_has_a_layer() -> None:
    for path in project_modules():
        assert layer_of(module_name(path)) is not None, path


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from search.searcher import Searcher\n", ["ingest.x (layer 4) imports its sibling search.searcher"]),
        ("def f():\n    import webui.render\n", ["ingest.x (layer 4) imports webui.render (layer 5)"]),
        ("from chidao.store import IndexWriter\n", []),
        ("from chidao import cli\n", ["ingest.x (layer 4) imports chidao.cli (layer 5)"]),
    ],
)
def test_the_checker_sees_violations(tmp_path: Path, source: str, expected: list[str]) -> None:
    """The walker catches imports at any depth, including inside functions and ``from pkg import mod``."""
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    found = []
    for _line, target in imported_modules(path, "ingest.x"):
        theirs = layer_of(target)
        if theirs is None:
            continue
        if theirs > 4:
            found.append(f"ingest.x (layer 4) imports {target} (layer {theirs})")
        elif target.split(".")[0] == "search":
            found.append(f"ingest.x (layer 4) imports its sibling {target}")
    assert found == expected
