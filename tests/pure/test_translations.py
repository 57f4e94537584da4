"""Every string of the suite a person reads has its Spanish translation in its addon's ``i18n/es.po``.

Odoo-free: the addons' Python is read with ``ast`` (field labels and help,
selection labels, ``_()`` / ``env._()`` / ``_lt()`` calls), their XML data
with ``lxml`` (view texts and attributes, and the translatable fields of the
records they create: groups, menus, actions, activity types, crons), and the
``.po`` files with a small reader of their ``msgid`` / ``msgstr`` pairs. The
reason phrases of the core (``crm_bridge.contract.reasons.PHRASES``) are
terms of the addon that shows them (``fusion_base``), and so are the
definitions of the cockpit's measures (``crm_bridge.cockpit.measures.MEASURES``,
shown by ``fusion_cockpit``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from lxml import etree

from crm_bridge.cockpit.measures import MEASURES
from crm_bridge.contract.reasons import DAY_UNITS, PHRASES

ADDONS = Path(__file__).resolve().parents[2] / "addons"
FIELD_TYPES = {"Boolean", "Char", "Text", "Html", "Integer", "Float", "Monetary", "Date", "Datetime", "Selection",
               "Many2one", "One2many", "Many2many", "Json", "Binary", "Image", "Reference", "Many2oneReference"}
TRANSLATE_CALLS = {"_", "_lt"}
# View attributes Odoo translates (odoo.tools.translate.TRANSLATED_ATTRS, those the suite uses).
VIEW_ATTRS = ("string", "help", "sum", "avg", "confirm", "placeholder", "alt", "title", "aria-label", "data-tooltip",
              "label")
# Translatable fields of the records the addons' data creates.
RECORD_FIELDS = {
    "res.groups": ("name", "comment"), "ir.module.category": ("name", "description"), "ir.ui.menu": ("name",),
    "ir.actions.act_window": ("name", "help"), "ir.actions.server": ("name",), "ir.cron": ("name",),
    "mail.activity.type": ("name", "summary"), "helpdesk.ticket.category": ("name",),
}
# Phrases of the core shown by an addon, with ``{name}`` fields.
# fusion_base renders them for every addon (fusion.reason), so its i18n carries them;
# fusion_cockpit shows each measure's definition on its rows.
ADDON_PHRASES = {"fusion_base": set(PHRASES.values()) | set(DAY_UNITS),
                 "fusion_cockpit": {measure.definition for measure in MEASURES.values()}}


def _addons() -> list[Path]:
    return sorted(path.parent for path in ADDONS.glob("*/__manifest__.py"))


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "a" "b" over lines is one Constant already
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    return None


def python_terms(path: Path) -> set[str]:
    """Field labels, help and selection labels, and translated calls' sources, of one Python file."""
    terms = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    selections = {}  # module-level NAME = [(key, label), ...] used as a selection
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            labels = [_literal(item.elts[1]) for item in node.value.elts
                      if isinstance(item, ast.Tuple) and len(item.elts) == 2]
            for target in node.targets:
                if isinstance(target, ast.Name):
                    selections[target.id] = [label for label in labels if label]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in TRANSLATE_CALLS and node.args:
            text = _literal(node.args[0])
            if text:
                terms.add(text)
        is_field = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "fields"
                    and func.attr in FIELD_TYPES)
        if not is_field:
            continue
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        positional = list(node.args)
        if func.attr in ("Selection", "Reference") and positional:
            selection, positional = positional[0], positional[1:]
            if isinstance(selection, ast.List):
                terms.update(label for item in selection.elts if isinstance(item, ast.Tuple)
                             for label in [_literal(item.elts[1])] if label)
            elif isinstance(selection, ast.Name):
                terms.update(selections.get(selection.id, []))
        elif func.attr in ("Many2one", "One2many", "Many2many") and positional:
            positional = positional[{"Many2one": 1, "One2many": 2, "Many2many": 4}[func.attr]:]
        for value in ([positional[0]] if positional else []) + [keywords.get("string"), keywords.get("help")]:
            text = _literal(value) if value is not None else None
            if text:
                terms.add(text)
        if isinstance(keywords.get("selection"), ast.List):
            terms.update(label for item in keywords["selection"].elts if isinstance(item, ast.Tuple)
                         for label in [_literal(item.elts[1])] if label)
    return terms


def _text(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value if value and re.search(r"[A-Za-z]", value) else None


def xml_terms(path: Path) -> set[str]:
    """View texts and attributes, and the translatable fields of the records, of one XML data file."""
    terms = set()
    root = etree.parse(str(path)).getroot()
    for arch in root.iter("field"):
        if arch.get("name") != "arch":
            continue
        for element in arch.iter():
            if not isinstance(element.tag, str) or element is arch:
                continue
            if element.tag == "attribute":
                if element.get("name") in VIEW_ATTRS and _text(element.text):
                    terms.add(_text(element.text))
                continue
            terms.update(_text(element.get(attr)) for attr in VIEW_ATTRS if _text(element.get(attr)))
            texts = [element.tail] + ([element.text] if element.tag not in ("field", "xpath") else [])
            terms.update(_text(text) for text in texts if _text(text))
    for record in root.iter("record"):
        for name in RECORD_FIELDS.get(record.get("model"), ()):
            for field in record.findall("field"):
                if field.get("name") == name and _text(field.text):
                    terms.add(_text(field.text))
    for menu in root.iter("menuitem"):
        if _text(menu.get("name")):
            terms.add(_text(menu.get("name")))
    return terms


def addon_terms(addon: Path) -> set[str]:
    terms = set(ADDON_PHRASES.get(addon.name, ()))
    for path in addon.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "__manifest__.py":
            continue
        terms |= python_terms(path)
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    for data in manifest.get("data", []):
        if data.endswith(".xml") and (addon / data).exists():  # an addon in progress may list files to come
            terms |= xml_terms(addon / data)
    return terms


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def read_po(path: Path) -> dict[str, str]:
    """{msgid: msgstr} of a .po file (no plurals, no contexts: the suite uses none)."""
    entries, msgid, msgstr, current = {}, None, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if line.startswith("msgid "):
            if msgid is not None:
                entries[msgid] = msgstr
            msgid, msgstr, current = _unquote(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, current = _unquote(line[7:]), "str"
        elif line.startswith('"') and current:
            if current == "id":
                msgid += _unquote(line)
            else:
                msgstr += _unquote(line)
        elif not line or line.startswith("#"):
            current = None if not line else current
    if msgid is not None:
        entries[msgid] = msgstr
    entries.pop("", None)
    return entries


def _normal(text: str) -> str:
    """Spaces collapsed and inline markup dropped: Odoo keeps ``<strong>`` and the like inside a view's term."""
    return " ".join(re.sub(r"</?[a-z][^>]*>", " ", text).split())


def _is_translated(term: str, translated: set[str]) -> bool:
    """The term is a translated msgid, or (long enough not to match by chance) a part of one."""
    term = _normal(term)
    return term in translated or (len(term) >= 12 and any(term in msgid for msgid in translated))


@pytest.mark.parametrize("addon", _addons(), ids=lambda path: path.name)
def test_every_term_has_a_spanish_translation(addon):
    terms = addon_terms(addon)
    if not terms:
        return
    po = addon / "i18n" / "es.po"
    assert po.exists(), f"{addon.name}: no i18n/es.po for {len(terms)} terms"
    translated = {_normal(msgid) for msgid, msgstr in read_po(po).items() if msgstr.strip()}
    missing = sorted(term for term in terms if not _is_translated(term, translated))
    assert not missing, f"{addon.name}: {len(missing)} terms without a Spanish translation:\n" + "\n".join(missing)


def test_the_check_finds_terms():
    """The extraction sees what it must: a field label, a view string, a translated call, a reason phrase."""
    terms = addon_terms(ADDONS / "fusion_sale_promise")
    assert "Max. disc. %" in terms
    assert "Request approval" in terms
    assert "Exceptions refused: %(reason)s" in terms
    assert PHRASES["lead_time"] in addon_terms(ADDONS / "fusion_base")
    assert MEASURES["transactions"].definition in addon_terms(ADDONS / "fusion_cockpit")


# ---------------------------------------------------------------- reasons in plain words


def _every_core_code() -> set[str]:
    from crm_bridge.pricing.cover import COVER_CODES
    from crm_bridge.pricing.guardrail import PRICING_REASON_CODES, VERDICT_CODES
    from crm_bridge.promise.engine import REASON_CODES

    return set(REASON_CODES) | set(PRICING_REASON_CODES) | set(VERDICT_CODES) | set(COVER_CODES)


def test_every_reason_code_of_the_core_has_a_phrase():
    phrased = {key.partition(":")[0] for key in PHRASES}
    assert _every_core_code() - phrased == set()


def test_reasons_read_as_plain_words():
    """No ISO date, no internal figure, no field name; the reader's formats and language are used."""
    import datetime as dt

    from crm_bridge.contract.reasons import Reason, render

    low_cover = Reason("low_cover", "Low stock cover (40.4844 of 60 target days): up to 10.0% off",
                       {"cover_days": 40.4844, "stock_room": 0.1})
    assert render(low_cover) == "Little stock (about 40 days left): up to 10% off"
    one_day = Reason("from_sales", "1.2 days of cover", {"cover_days": 1.2})
    assert render(one_day) == "About 1 day of stock at the recent sales rate"
    retention = Reason("retention", "Churn risk 35% of a customer weighted 0.38 by lifetime value: 0.7% more room",
                       {"churn_risk": 0.35, "value_weight": 0.38, "retention_room": 0.007})
    assert "weighted" not in render(retention) and "0.38" not in render(retention)
    short = Reason("stock_short", "Only 10 of 15 Units free on 2026-12-03; no receipt expected",
                   {"atp_qty": 10.0, "qty": 15.0, "date": dt.date(2026, 12, 3)}).to_dict()
    spanish = render(short, translate={PHRASES["stock_short"]: "Solo {atp_qty} de {qty} libres el {date}"}.get,
                     formats={"date": lambda value: f"{value[8:10]}/{value[5:7]}/{value[:4]}"})
    assert spanish == "Solo 10 de 15 libres el 03/12/2026"
    assert render({"code": "unknown_code", "message": "as the core said", "params": {}}) == "as the core said"


# ---------------------------------------------------------------- what Odoo actually loads

# Odoo's PoFileReader applies a term only through a reference of one of these kinds.
LOADED_REFERENCE = re.compile(r"(model|model_terms):[\w.]+,\w+:\w+\.\S+|code:[\w/.]+")


@pytest.mark.parametrize("addon", [path for path in _addons() if (path / "i18n" / "es.po").exists()],
                         ids=lambda path: path.name)
def test_odoo_loads_every_spanish_term(addon):
    """Each term names its module and a reference Odoo applies, and no stale .pot hides it.

    Odoo merges ``es.po`` with the addon's ``.pot`` and skips as obsolete what the
    ``.pot`` lacks; a term without a reference is read and applied to nothing. Either way
    the check above passes while a person reads English.
    """
    import polib

    po = polib.pofile(str(addon / "i18n" / "es.po"))
    unloaded = sorted(entry.msgid for entry in po if not entry.obsolete and (
        not re.match(r"modules?: \w+", entry.comment or "")
        or not any(LOADED_REFERENCE.match(occurrence) for occurrence, _line in entry.occurrences)))
    assert not unloaded, f"{addon.name}: {len(unloaded)} terms Odoo would not apply:\n" + "\n".join(unloaded[:20])
    # es.po is rebuilt from Odoo's own export (tools/odoo_tier.py i18n), which also holds the labels Odoo makes
    # from field names ("Actions Done"): the extractor above does not see those, an empty entry here does
    empty = sorted(entry.msgid for entry in po if not entry.obsolete and not entry.msgstr.strip())
    assert not empty, f"{addon.name}: {len(empty)} terms left empty in es.po:\n" + "\n".join(empty[:20])
    template = addon / "i18n" / f"{addon.name}.pot"
    if template.exists():
        hidden = sorted({entry.msgid for entry in po} - {entry.msgid for entry in polib.pofile(str(template))})
        assert not hidden, f"{addon.name}: {len(hidden)} terms its .pot lacks, so Odoo skips them:\n" + \
            "\n".join(hidden[:20])
