"""What a cached result depends on, as one digest: code, reference data and package versions.

A cache (parsed plans, ingested workbooks, written documents) may reuse a result only while
everything that shaped it is unchanged. Listing those inputs by hand (a version number to bump)
goes stale the first time someone edits a module the list forgot. Instead the inputs are found:

- the source of every `pipelines` module reachable by imports from the entry modules;
- the reference data those modules read: every file other than Python source in their package
  folders (sub-packages aside), e.g. `plans/reference/*.csv`;
- the installed version of every third-party distribution they import (a reference-data
  package's new release, or a parser's, changes what it gives).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

PACKAGE = "pipelines"
PACKAGE_ROOT = Path(__file__).resolve().parent  # the `pipelines` folder


def _module_path(root: Path, module: str) -> Path | None:
    parts = module.split(".")[1:]
    base = root.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path, module: str) -> tuple[set[str], set[str]]:
    """(pipelines modules, third-party top-level names) imported by one source file."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    ours: set[str] = set()
    theirs: set[str] = set()

    def note(name: str) -> None:
        top = name.partition(".")[0]
        if top == PACKAGE:
            ours.add(name)
        elif top and top not in sys.stdlib_module_names and top != "__future__":
            theirs.add(top)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                note(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            note(source)
            if source.partition(".")[0] == PACKAGE:  # `from pipelines.x import y` may be a module
                ours.update(f"{source}.{alias.name}" for alias in node.names)
    return ours, theirs


def module_closure(
    entries: Iterable[str], root: Path = PACKAGE_ROOT
) -> tuple[dict[str, Path], set[str]]:
    """The `pipelines` modules reachable from `entries` (name → file) and the third-party
    top-level names they import. Imports inside functions count too: they run as well."""
    found: dict[str, Path] = {}
    third_party: set[str] = set()
    todo = list(entries)
    while todo:
        module = todo.pop()
        if module in found:
            continue
        path = _module_path(root, module)
        if path is None:  # `from pipelines.x import a_function`: not a module
            continue
        found[module] = path
        ours, theirs = _imports(path, module)
        third_party |= theirs
        parents = {module.rsplit(".", n)[0] for n in range(1, module.count(".") + 1)}
        todo.extend(ours | parents)
    return found, third_party


def reference_files(modules: dict[str, Path]) -> list[Path]:
    """Data files in the package folders of `modules` (sub-packages and caches aside)."""
    folders = {path.parent for path in modules.values()}
    files: set[Path] = set()
    for folder in folders:
        stack = [folder]
        while stack:
            current = stack.pop()
            for child in current.iterdir():
                if child.is_dir():
                    if child.name != "__pycache__" and not (child / "__init__.py").exists():
                        stack.append(child)
                elif child.suffix not in (".py", ".pyc"):
                    files.add(child)
    return sorted(files)


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()  # scans every installed package: ~0.4 s


def distribution_versions(top_level_names: Iterable[str]) -> dict[str, str]:
    """Installed distribution → version for import names (`yaml` → `PyYAML`)."""
    by_name = _distributions()
    versions: dict[str, str] = {}
    for name in top_level_names:
        for dist in by_name.get(name, []):
            try:
                versions[dist] = metadata.version(dist)
            except metadata.PackageNotFoundError:
                continue
    return versions


def inputs_fingerprint(entries: Iterable[str], root: Path = PACKAGE_ROOT) -> str:
    """SHA-256 over the code, reference data and package versions that `entries` depend on."""
    modules, third_party = module_closure(entries, root)
    digest = hashlib.sha256()
    for path in sorted(modules.values()) + reference_files(modules):
        digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for dist, version in sorted(distribution_versions(third_party).items()):
        digest.update(f"\0{dist}=={version}".encode())
    return digest.hexdigest()
