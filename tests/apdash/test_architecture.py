"""House rules about structure: imports point one way (inspection → safeguarding → placements →
providers → apdash, and inside placements demo → workspace → compliance → plans → visits →
attendance → core), the core names nothing of the apps to its left, and the apps register what
they add in AppConfig.ready(), not as a side effect of importing a URLconf."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from apdash.models import Role
from tests.factories import SchoolFactory, member

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["inspection", "safeguarding", "placements", "providers", "apdash"]
PLACEMENTS_ORDER = ["demo", "workspace", "compliance", "plans", "visits", "attendance", "core"]
LEFT_OF_CORE = ORDER[:-1]
# The project's own wiring names every app by design: the root URLconf and the settings.
PROJECT_WIRING = {"urls.py", "settings.py", "settings_production.py", "settings_test.py"}


def _python_files(folder: Path):
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, [node.module]


def leftward_imports(root: Path = ROOT) -> list[str]:
    rank = {app: i for i, app in enumerate(ORDER)}
    found = []
    for app in ORDER:
        for path in _python_files(root / app):
            for lineno, modules in _imports(path):
                for module in modules:
                    top = module.split(".")[0]
                    if top in rank and rank[top] < rank[app]:
                        found.append(f"{path.relative_to(root)}:{lineno} imports {module}")
    return found


def leftward_subpackage_imports(root: Path = ROOT) -> list[str]:
    rank = {name: i for i, name in enumerate(PLACEMENTS_ORDER)}
    found = []
    for path in _python_files(root / "placements"):
        parts = path.relative_to(root / "placements").parts
        own = parts[0] if len(parts) > 1 and parts[0] in rank else None
        if own is None:
            continue
        for lineno, modules in _imports(path):
            for module in modules:
                pieces = module.split(".")
                if pieces[0] == "placements" and len(pieces) > 1 and pieces[1] in rank:
                    if rank[pieces[1]] < rank[own]:
                        found.append(f"{path.relative_to(root)}:{lineno} ({own}) imports {module}")
    return found


def core_names_apps_to_its_left(root: Path = ROOT) -> list[str]:
    """`apps.get_model` of any app, `reverse()`/URL names and task names of the apps to the left."""
    left = "|".join(LEFT_OF_CORE)
    named = re.compile(rf"""["'](?:{left})[.:][a-z_]+["']""")
    found = []
    for path in _python_files(root / "apdash"):
        if path.name in PROJECT_WIRING:
            continue
        text = path.read_text()
        for lineno, line in enumerate(text.splitlines(), 1):
            if "get_model(" in line:
                found.append(f"{path.relative_to(root)}:{lineno} looks a model up by name")
            if named.search(line):
                found.append(
                    f"{path.relative_to(root)}:{lineno} names a URL, task or permission of an app to its left"
                )
    return found


def long_modules(root: Path = ROOT, limit: int = 600) -> list[str]:
    """Application modules (not migrations, not tests) over `limit` lines: one concept per module."""
    return [
        f"{path.relative_to(root)}: {n} lines"
        for app in [*ORDER, "benchmarks"]
        for path in _python_files(root / app)
        if (n := len(path.read_text().splitlines())) > limit
    ]


def end_date_spellings(root: Path = ROOT) -> list[str]:
    """Places outside the placements model module that spell out the active-placement condition
    themselves (`end_date__gte`) instead of asking `Placement.objects.active_on/active_between`."""
    home = root / "placements" / "core" / "models.py"
    return [
        f"{path.relative_to(root)}:{number}"
        for app in [*ORDER, "benchmarks"]
        for path in _python_files(root / app)
        if path != home
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "end_date__gte" in line
    ]


def test_no_application_module_is_over_600_lines():
    assert long_modules() == []


def test_only_the_placement_model_module_spells_out_when_a_placement_is_active():
    assert end_date_spellings() == []


def test_the_size_and_spelling_checks_find_what_they_look_for(tmp_path):
    (tmp_path / "placements").mkdir()
    (tmp_path / "placements" / "views.py").write_text(
        "x = 1\n" * 601 + "Placement.objects.filter(end_date__gte=today)\n"
    )
    assert long_modules(tmp_path) == ["placements/views.py: 602 lines"]
    assert end_date_spellings(tmp_path) == ["placements/views.py:602"]


def test_no_app_imports_an_app_to_its_left():
    assert leftward_imports() == []


def test_no_placements_subpackage_imports_one_to_its_left():
    assert leftward_subpackage_imports() == []


def test_the_core_names_no_model_url_or_task_of_the_apps_to_its_left():
    assert core_names_apps_to_its_left() == []


def test_the_checks_find_what_they_look_for(tmp_path):
    """Each check fails on a planted breach, so passing on main means something."""
    for app in ORDER:
        (tmp_path / app).mkdir()
    (tmp_path / "apdash" / "planted.py").write_text(
        "from django.apps import apps\nfrom django.urls import reverse\n\n\n"
        "def leak():\n"
        '    Pupil = apps.get_model("placements", "Pupil")\n'
        '    return Pupil, reverse("placements:pupil_list"), "inspection.evidence_pack_generate"\n'
    )
    (tmp_path / "providers" / "planted.py").write_text("from placements.models import Pupil\n")
    (tmp_path / "placements" / "core").mkdir()
    (tmp_path / "placements" / "core" / "planted.py").write_text("from placements.workspace import views\n")
    assert len(core_names_apps_to_its_left(tmp_path)) == 2
    assert leftward_imports(tmp_path) == ["providers/planted.py:1 imports placements.models"]
    assert leftward_subpackage_imports(tmp_path) == [
        "placements/core/planted.py:1 (core) imports placements.workspace"
    ]


REGISTRIES = """
import json, sys, django
django.setup()
from apdash import checks, navigation, views
from providers import selectors
print(json.dumps({
    "home": [f"{s.__module__}.{s.__qualname__}" for s in views.HOME_SECTIONS],
    "provider_page": [f"{s.__module__}.{s.__qualname__}" for s in selectors.PROVIDER_PAGE_SECTIONS],
    "navigation": [f"{e.items.__module__}.{e.items.__qualname__}" for e in navigation._ENTRIES],
    "checks": sorted(c.name for c in checks.registered_checks()),
    "schedule": sorted(name for name, *_ in checks.beat_schedule()),
    "urlconf_imported": any(name.endswith("urls") for name in sys.modules if name.split(".")[0] in {
        "apdash", "providers", "placements", "safeguarding", "inspection"}),
}))
"""


def _registries():
    from apdash import checks, navigation, views
    from providers import selectors

    return {
        "home": [f"{s.__module__}.{s.__qualname__}" for s in views.HOME_SECTIONS],
        "provider_page": [f"{s.__module__}.{s.__qualname__}" for s in selectors.PROVIDER_PAGE_SECTIONS],
        "navigation": [f"{e.items.__module__}.{e.items.__qualname__}" for e in navigation._ENTRIES],
        "checks": sorted(c.name for c in checks.registered_checks()),
        "schedule": sorted(name for name, *_ in checks.beat_schedule()),
    }


def test_apps_ready_without_a_urlconf_register_what_a_served_page_uses(client, db):
    """With the apps ready and no URLconf imported, the registries hold what a served home page
    uses: nothing waits for a URLconf import to register itself."""
    result = subprocess.run(
        [sys.executable, "-c", REGISTRIES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "apdash.settings_test"},
    )
    bare = json.loads(result.stdout.strip().splitlines()[-1])
    assert bare.pop("urlconf_imported") is False
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=SchoolFactory()))
    assert client.get(reverse("home")).status_code == 200
    served = _registries()
    assert bare == served
    assert "placements.workspace.views.home_sections" in bare["home"]
    assert "inspection.views.home_sections" in bare["home"]
