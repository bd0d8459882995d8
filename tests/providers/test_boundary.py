"""providers/ speaks HTTP and vendor JSON and knows nothing of kycdesk (DESIGN.md, "Layout")."""

import ast
from pathlib import Path

PROVIDERS = Path(__file__).resolve().parents[2] / "providers"


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_nothing_under_providers_imports_kycdesk():
    offenders = {
        str(path.relative_to(PROVIDERS.parent)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "kycdesk"
        )
        for path in PROVIDERS.rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_boundary_check_sees_an_offending_import(tmp_path):
    offending = tmp_path / "bad.py"
    offending.write_text("from kycdesk.models import Media\nimport kycdesk.services\n")
    assert imported_modules(offending) == {"kycdesk.models", "kycdesk.services"}


def test_vendor_code_outside_the_sandbox_does_not_touch_the_database():
    """client, normalize and webhooks modules never import Django's ORM."""
    offenders = []
    for path in PROVIDERS.rglob("*.py"):
        if "sandbox" in path.parts or path.name == "sandbox.py" or "migrations" in path.parts:
            continue
        if any(m.startswith("django.db") for m in imported_modules(path)):
            offenders.append(str(path.relative_to(PROVIDERS.parent)))
    assert offenders == []
