"""The house rules of the code base, checked over the project's own packages (no database):

- imports flow one way, down the layers (APPS, lowest first);
- no import cycle between the modules of one app;
- no file over MAX_LINES lines outside tests, migrations and vendored assets, unless
  LONG_FILES_ALLOWED says why.

Every import counts, those inside functions too. The checkers take the root to look at, so
the tests at the end can show each of them failing on a small made-up project.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import the apps before it, never one after it.
APPS = ["core", "procedures", "dossiers", "reform_index", "dashboard", "demo", "onestop"]
# Besides the apps, the folders whose files the size rule covers.
OTHER_CODE_FOLDERS = ["templates", "static", "benchmarks", "scripts"]
CODE_SUFFIXES = {".py", ".html", ".js", ".css", ".sh"}
SKIPPED_FOLDERS = {"tests", "migrations", "__pycache__", "node_modules"}
SKIPPED_PATHS = {Path("static/vendor")}
MAX_LINES = 400
# Path (relative to the root) -> why it may be longer than MAX_LINES.
LONG_FILES_ALLOWED: dict[str, str] = {}


# -- reading the sources --------------------------------------------------------------------


def _skipped(relative):
    return bool(SKIPPED_FOLDERS & set(relative.parts[:-1])) or any(
        relative.is_relative_to(path) for path in SKIPPED_PATHS
    )


def app_sources(root, app):
    """The app's Python files (migrations and tests aside), as (module name, path)."""
    folder = root / app
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(root)
        if _skipped(relative):
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def _package_of(module, path):
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imported_modules(module, path, known):
    """(line, module) for every import of the file, relative ones resolved: ``from X import
    name`` is the submodule X.name when that is a module of ``known``, else X itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(module, path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(filter(None, [*anchor, node.module]))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((node.lineno, submodule if submodule in known else base))
    return found


# -- the checkers ---------------------------------------------------------------------------


def upward_imports(root):
    """Every import of a higher layer, as "path:line: app imports target"."""
    rank = {app: position for position, app in enumerate(APPS)}
    problems = []
    for app in APPS:
        sources = app_sources(root, app)
        known = {module for module, _path in sources}
        for module, path in sources:
            for line, target in imported_modules(module, path, known):
                top = target.partition(".")[0]
                if rank.get(top, -1) > rank[app]:
                    where = path.relative_to(root)
                    problems.append(f"{where}:{line}: {app} imports {target} (a higher layer)")
    return problems


def import_graph(root, app):
    """Module -> the modules of the same app it imports."""
    sources = app_sources(root, app)
    known = {module for module, _path in sources}
    graph = {module: set() for module in known}
    for module, path in sources:
        for _line, target in imported_modules(module, path, known):
            # ``import app.a.b`` or ``from app.a.b import name``: the longest known module.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    return graph


def strongly_connected(graph):
    """Tarjan's components of more than one module (each holds at least one cycle)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _a_cycle(graph, component):
    """One cycle through the component's first module, as a path back to it."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return component  # unreachable for a real component


def import_cycles(root):
    """Each import cycle inside an app, as "a -> b -> a" (one per tangle of modules)."""
    cycles = []
    for app in APPS:
        graph = import_graph(root, app)
        for component in strongly_connected(graph):
            cycle = " -> ".join(_a_cycle(graph, component))
            cycles.append(f"{cycle} (tangled: {', '.join(component)})")
    return cycles


def long_files(root, allowed=LONG_FILES_ALLOWED):
    """Code files over MAX_LINES lines not allowed by name, as "path: N lines"."""
    found = []
    for folder in [*APPS, *OTHER_CODE_FOLDERS]:
        if not (root / folder).is_dir():
            continue
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.suffix not in CODE_SUFFIXES or not path.is_file() or _skipped(relative):
                continue
            with path.open(encoding="utf-8", errors="replace") as text:
                count = sum(1 for _line in text)
            if count > MAX_LINES and str(relative) not in allowed:
                found.append(f"{relative}: {count} lines")
    return found


# -- the rules, on this project --------------------------------------------------------------


def test_no_app_imports_a_higher_layer():
    problems = upward_imports(ROOT)
    assert not problems, "Imports of a higher layer:\n" + "\n".join(problems)


def test_no_import_cycle_inside_an_app():
    cycles = import_cycles(ROOT)
    assert not cycles, "Import cycles:\n" + "\n".join(cycles)


def test_no_code_file_is_over_the_size_limit():
    found = long_files(ROOT)
    assert not found, f"Over {MAX_LINES} lines (split by topic):\n" + "\n".join(found)


def test_the_allowed_long_files_still_exist_and_say_why():
    for path, reason in LONG_FILES_ALLOWED.items():
        assert (ROOT / path).is_file(), f"{path} is allowed to be long but is gone"
        assert reason.strip(), f"{path} is allowed to be long without a reason"


# -- the checkers, on a made-up project ------------------------------------------------------


def write(root, relative, text=""):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    for parent in path.relative_to(root).parents:
        if str(parent) != "." and not (root / parent / "__init__.py").exists():
            (root / parent / "__init__.py").write_text("", encoding="utf-8")


def test_an_upward_import_is_found_even_inside_a_function(tmp_path):
    write(tmp_path, "core/models.py", "from procedures.models import Procedure\n")
    write(tmp_path, "core/views.py", "def view():\n    import dossiers.services\n")
    write(tmp_path, "procedures/models.py", "from core.models import Unit\n")
    write(tmp_path, "dossiers/services.py", "from procedures import models\n")
    write(tmp_path, "core/migrations/0001_initial.py", "import dossiers\n")

    assert upward_imports(tmp_path) == [
        "core/models.py:1: core imports procedures.models (a higher layer)",
        "core/views.py:2: core imports dossiers.services (a higher layer)",
    ]


def test_relative_imports_resolve_to_modules_or_their_package(tmp_path):
    write(tmp_path, "procedures/records/__init__.py", "from .parsing import parse_record\n")
    write(tmp_path, "procedures/records/parsing.py", "from . import codes, NAME\n")
    write(tmp_path, "procedures/records/codes.py", "from ..models import Field\n")
    write(tmp_path, "procedures/models.py", "import procedures.records.codes\n")
    write(tmp_path, "procedures/api.py", "from procedures.records import parse_record\n")

    assert import_graph(tmp_path, "procedures") == {
        "procedures": set(),
        "procedures.records": {"procedures.records.parsing"},
        "procedures.records.parsing": {"procedures.records.codes", "procedures.records"},
        "procedures.records.codes": {"procedures.models"},
        "procedures.models": {"procedures.records.codes"},
        "procedures.api": {"procedures.records"},
    }


def test_a_cycle_inside_an_app_is_found_through_an_import_in_a_function(tmp_path):
    write(tmp_path, "dossiers/services.py", "from . import notifications\n")
    write(tmp_path, "dossiers/notifications.py", "def send():\n    from .tasks import deliver\n")
    write(tmp_path, "dossiers/tasks.py", "from dossiers.services import submit\n")
    write(tmp_path, "dossiers/models.py", "")
    write(tmp_path, "procedures/a.py", "from dossiers import services\n")

    assert import_cycles(tmp_path) == [
        "dossiers.notifications -> dossiers.tasks -> dossiers.services -> "
        "dossiers.notifications (tangled: dossiers.notifications, dossiers.services, "
        "dossiers.tasks)"
    ]


def test_a_file_over_the_limit_is_found_unless_allowed(tmp_path):
    write(tmp_path, "dossiers/long.py", "x = 1\n" * (MAX_LINES + 1))
    write(tmp_path, "dossiers/fits.py", "x = 1\n" * MAX_LINES)
    write(tmp_path, "templates/dossiers/long.html", "<p></p>\n" * (MAX_LINES + 1))
    write(tmp_path, "dossiers/migrations/0002_big.py", "x = 1\n" * (MAX_LINES + 1))
    write(tmp_path, "static/vendor/lib.js", "x;\n" * (MAX_LINES + 1))
    write(tmp_path, "static/js/app.js", "x;\n" * (MAX_LINES + 1))

    assert long_files(tmp_path, allowed={}) == [
        f"dossiers/long.py: {MAX_LINES + 1} lines",
        f"templates/dossiers/long.html: {MAX_LINES + 1} lines",
        f"static/js/app.js: {MAX_LINES + 1} lines",
    ]
    allowed = {"dossiers/long.py": "a reason", "static/js/app.js": "a reason"}
    assert long_files(tmp_path, allowed) == [f"templates/dossiers/long.html: {MAX_LINES + 1} lines"]
