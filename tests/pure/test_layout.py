"""The architecture's rules that a refactoring could silently break."""

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
# Production code: the installed packages and the addons, their tests excepted.
PRODUCTION = sorted(
    path for folder in ("crm_bridge", "ai_insights", "addons") for path in (PROJECT / folder).rglob("*.py")
    if "tests" not in path.relative_to(PROJECT).parts
)
DEMO_AND_TOOLS = ("demo_company", "data", "benchmarks", "tools", "tests")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", PRODUCTION, ids=lambda path: str(path.relative_to(PROJECT)))
def test_production_code_never_imports_the_demo_company(path):
    wrong = {module for module in _imported_modules(path) if module.split(".")[0] in DEMO_AND_TOOLS}
    assert not wrong, f"{path.relative_to(PROJECT)} imports {sorted(wrong)}"


def test_manifests_name_distributions_not_the_demo_company():
    for manifest in sorted((PROJECT / "addons").glob("*/__manifest__.py")):
        python = ast.literal_eval(manifest.read_text()).get("external_dependencies", {}).get("python", [])
        assert not {"demo_company", "crm_bridge", "ai_insights"} & set(python), (
            f"{manifest.parent.name}: external_dependencies name the PyPI distribution (erp-crm-fusion), "
            f"not import names: {python}")
