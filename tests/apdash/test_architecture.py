"""House rule: imports point one way, inspection → safeguarding → placements → providers → apdash."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["inspection", "safeguarding", "placements", "providers", "apdash"]


def leftward_imports():
    rank = {app: i for i, app in enumerate(ORDER)}
    found = []
    for app in ORDER:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in rank and rank[top] < rank[app]:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    return found


def test_no_app_imports_an_app_to_its_left():
    assert leftward_imports() == []
