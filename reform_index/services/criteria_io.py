"""Criteria files: the export (JSON or CSV) and the import that replaces a draft
scorecard's criteria with such a file."""

import csv
import io
import json

from django.db import transaction
from django.utils.translation import gettext as _

from core import parsers
from core.spreadsheets import csv_text, restore_row

from ..models import CriterionKind, ScorecardState
from .access import Refused, can_manage, locked_scorecard, require, require_state
from .criteria_tree import Node, replace_criteria, scorecard_nodes, tree_problems

MAX_IMPORT_BYTES = 1024 * 1024


CRITERION_COLUMNS = (
    "code",
    "parent",
    "name",
    "max_points",
    "kind",
    "metric",
    "rule",
    "rule_params",
    "guidance",
    "order",
)
EXPORT_FORMAT = "onestop-reform-index-criteria"


def export_criteria(scorecard, fmt):
    """The criteria as text: ``json`` (``{"format", "version", "year", "criteria"}``) or
    ``csv`` (one row per criterion, rule_params as JSON; written by ``core.spreadsheets``:
    a BOM for Excel, formula-like text behind an apostrophe that ``parse_criteria`` takes
    back)."""
    rows = [_row_of(node) for node in scorecard_nodes(scorecard)]
    if fmt == "json":
        document = {"format": EXPORT_FORMAT, "version": 1, "year": scorecard.year, "criteria": rows}
        return json.dumps(document, ensure_ascii=False, indent=2)
    if fmt == "csv":
        flat = (
            {**row, "rule_params": json.dumps(row["rule_params"], ensure_ascii=False)}
            for row in rows
        )
        return csv_text(CRITERION_COLUMNS, flat)
    raise ValueError(f"Unknown format {fmt!r}.")


def _row_of(node):
    return {
        "code": node.code,
        "parent": node.parent,
        "name": node.name,
        "max_points": float(node.max_points),
        "kind": node.kind,
        "metric": node.metric,
        "rule": node.rule,
        "rule_params": node.rule_params or {},
        "guidance": node.guidance,
        "order": node.order,
    }


@transaction.atomic
def import_criteria(scorecard, actor, content, fmt):
    """Replace a draft scorecard's criteria with a JSON or CSV file (bytes) in the export
    format. Returns the number of criteria; Refused naming each bad row otherwise."""
    require(can_manage(actor), _("Only reform index officers can import criteria."))
    scorecard = locked_scorecard(scorecard)
    require_state(
        scorecard,
        ScorecardState.DRAFT,
        _("Criteria can only change while the scorecard is a draft."),
    )
    nodes = parse_criteria(content, fmt)
    problems = tree_problems(nodes)
    if problems:
        raise Refused(errors={"file": problems})
    return replace_criteria(scorecard, nodes)


def parse_criteria(content, fmt):
    """Nodes from a file's bytes; Refused (field ``file``) when it cannot be read."""
    if not content:
        raise Refused(_("The file is empty."), field="file")
    if len(content) > MAX_IMPORT_BYTES:
        raise Refused(_("The file is larger than 1 MB."), field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("The file is not UTF-8 text."), field="file") from None
    if fmt == "json":
        nodes = _json_nodes(text)
    elif fmt == "csv":
        nodes = _csv_nodes(text)
    else:
        raise Refused(_("Choose JSON or CSV."), field="format")
    if not nodes:
        raise Refused(_("The file lists no criteria."), field="file")
    return nodes


def _json_nodes(text):
    try:
        document = parsers.loads(text)
    except ValueError:
        raise Refused(_("The file is not valid JSON."), field="file") from None
    rows = document.get("criteria") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise Refused(
            _("The JSON must hold a list “criteria” of objects, one per criterion."), field="file"
        )
    return [_node_of(row, line) for line, row in enumerate(rows, start=1)]


def _csv_nodes(text):
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        column
        for column in ("code", "name", "max_points")
        if column not in (reader.fieldnames or [])
    ]
    if missing:
        raise Refused(
            _("The CSV has no column %(columns)s.") % {"columns": ", ".join(missing)}, field="file"
        )
    nodes = []
    for row in map(restore_row, reader):
        params = (row.get("rule_params") or "").strip()
        try:
            row["rule_params"] = parsers.loads(params) if params else {}
        except ValueError:
            raise Refused(
                _("Row %(line)s: rule_params is not valid JSON.") % {"line": reader.line_num},
                field="file",
            ) from None
        nodes.append(_node_of(row, reader.line_num))
    return nodes


def _node_of(row, line):
    return Node(
        code=_text(row.get("code")),
        parent=_text(row.get("parent")),
        name=_text(row.get("name")),
        max_points=row.get("max_points"),
        kind=_text(row.get("kind")) or CriterionKind.MANUAL,
        metric=_text(row.get("metric")),
        rule=_text(row.get("rule")),
        rule_params=row.get("rule_params") or {},
        guidance=_text(row.get("guidance")),
        order=_order(row.get("order"), line),
        line=line,
    )


def _text(value):
    return str(value).strip() if value is not None else ""


def _order(value, default):
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        return value
