"""Meta-test: only public names cross modules. A module may not import a `_private` name from another module (a
package's own modules may use its private sub-modules, and a module its own names); what another module needs is
made public, in the app's models, selectors, services or testing.py."""

import ast
from pathlib import Path

import tipsom

SOURCE = Path(tipsom.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_imports(path: Path, module: str = "") -> list[str]:
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            source = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [node.module or ""])
            source = source.rstrip(".")
        else:
            source = node.module or ""
        if not source.startswith("tipsom"):
            continue
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            # A package may import its own private sub-modules (tipsom.core.api -> ._helpers).
            inside = module.startswith(source + ".") and f"{source}.{alias.name}" != module
            if private and not inside:
                found.append(f"{module}:{node.lineno}: {source}.{alias.name}")
    return found


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [
        hit for path in sorted(SOURCE.rglob("*.py")) if "migrations" not in path.parts for hit in private_imports(path)
    ]
    assert not found, "private names imported from another module:\n" + "\n".join(found)


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    """The walk itself: a private name taken from another module is found; a package's own private sub-module and
    public names are not."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from tipsom.core.context import _current\n"
        "from tipsom.core import crypto\n"
        "from tipsom.core.api import _helpers\n"
        "from ._helpers import _x\n",
        encoding="utf-8",
    )
    found = private_imports(probe, "tipsom.core.api.errors")
    assert found == [
        "tipsom.core.api.errors:1: tipsom.core.context._current",
        "tipsom.core.api.errors:4: tipsom.core.api._helpers._x",
    ]
