"""Layers depend only downward: every import statement of every module, functions included.

Layers, lowest first (the project brief): feed -> store -> importing/services/policy/settings
-> offline -> sync -> ui -> cli. A module may import its own layer and any lower one, never a
higher one; the foundation modules (errors, paths...) sit below them all. The source is read
with `ast`, so an import inside a function, or one only made on a rare path, counts as much as
one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import msguide

PACKAGE = Path(msguide.__file__).parent

# Module (or package) -> layer. The longest matching name decides.
LAYERS: dict[str, int] = {
    "msguide": 0,  # the package itself: its version
    "msguide.errors": 0,
    "msguide.atomic": 0,
    "msguide.clock": 0,
    "msguide.paths": 0,
    "msguide.logsetup": 0,
    "msguide.safetext": 0,  # one sanitiser for every message that quotes input
    "msguide.filereading": 0,  # bounded reads of regular files only (feeds, signatures, policy)
    "msguide.jsonout": 0,  # the one JSON writer
    "msguide.policy_registry": 0,  # reads the Windows registry only: no msguide imports
    "msguide.feed": 1,
    "msguide.store": 2,
    "msguide.importing": 3,
    "msguide.services": 3,
    "msguide.policy": 3,
    "msguide.settings": 3,
    "msguide.pathway_text": 3,  # a stored pathway as text or JSON, for the CLI
    "msguide.offline": 4,
    "msguide.sync": 5,
    "msguide.diagnostics": 5,  # the report the admin window and the CLI show: no widgets
    "msguide.ui": 6,
    "msguide.selftest": 7,  # starts the bundle's widgets: a command of the CLI
    "msguide.cli": 7,
    "msguide.boundary": 7,  # the command line's error boundary
    "msguide.cli_favourites_print": 7,  # favourites and print commands of the command line
    # The command line's `offline`/`pack` commands: CLI code kept beside the offline package,
    # which downloads through sync; only cli.py imports it (this test holds the rest below).
    "msguide.offline.commands": 7,
    "msguide.__main__": 7,
}
NAMES = ["foundation", "feed", "store", "services", "offline", "sync", "ui", "cli"]

# Third-party packages each layer must never import (Qt widgets stay in ui and above).
FORBIDDEN: dict[int, tuple[str, ...]] = {
    0: ("PySide6", "sqlalchemy"),
    1: ("PySide6", "sqlalchemy"),
    2: ("PySide6",),
    3: ("PySide6",),
    4: ("PySide6",),
    5: ("PySide6.QtWidgets", "PySide6.QtGui"),
}


def layer_of(module: str) -> int:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYERS:
            return LAYERS[".".join(parts[:end])]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def module_name(path: Path) -> str:
    parts = ["msguide", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> list[tuple[int, str]]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) for every import statement in `source`, resolved to absolute names."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            # "from msguide import ui" imports msguide.ui: judge each name as a module too.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert len(SOURCES) > 50
    for path in SOURCES:
        name = module_name(path)
        # Named in LAYERS itself or inside a package that is: not placed by "msguide" alone.
        top = ".".join(name.split(".")[:2])
        assert name == "msguide" or top in LAYERS, f"{name} is in no layer: add it to LAYERS"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_a_module_imports_only_its_own_layer_and_lower_ones(path: Path) -> None:
    name = module_name(path)
    own = layer_of(name)
    upward = []
    for line, module in imported(path):
        if is_within(module, "msguide"):
            # "from msguide.store import db" names msguide.store.db; "from msguide import
            # __version__" names an attribute of the package: both resolve by longest prefix.
            if layer_of(module) > own:
                upward.append(f"line {line}: {module} ({NAMES[layer_of(module)]})")
        elif any(is_within(module, banned) for banned in FORBIDDEN.get(own, ())):
            upward.append(f"line {line}: {module}")
    assert not upward, f"{name} ({NAMES[own]}) imports upward: {upward}"


def test_the_reader_sees_imports_inside_functions_and_relative_ones() -> None:
    # The check itself can fail: lazy and relative upward imports are found and resolved.
    source = (
        "def later():\n"
        "    from msguide.ui import main_window\n"
        "    if True:\n"
        "        import PySide6.QtWidgets\n"
        "    from ..sync.controller import SyncController\n"
    )
    found = sorted(module for _, module in imports_in(source, "msguide.store"))
    assert found == [
        "PySide6.QtWidgets",
        "msguide.sync.controller.SyncController",
        "msguide.ui.main_window",
    ]
    assert layer_of(found[1]) > layer_of("msguide.store") < layer_of(found[2])
