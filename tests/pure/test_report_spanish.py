"""``make demo ARGS="--lang es"``: the report and the printed summary in Spanish, numbers and dates included."""

import ast
from pathlib import Path

import pytest

from crm_bridge.cockpit.measures import MEASURES
from crm_bridge.promise.engine import STATUSES
from demo_company import report
from demo_company.main_job import STEPS, run_main_job
from demo_company.report import SPANISH, Words, set_language
from demo_company.tickets import CATEGORIES

REPORT_MODULES = [Path(report.__file__).with_name(name) for name in ("main_job.py", "cockpit_report.py", "report.py")]


@pytest.fixture
def spanish():
    words = set_language("es")
    yield words
    set_language("en")


def _phrases(path: Path) -> set[str]:
    """English phrases a module shows: ``words("...")`` literals and the column headings given to ``_columns``."""
    phrases = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or not node.args:
            continue
        argument = node.args[0]
        if node.func.id == "words" and isinstance(argument, ast.Constant):
            phrases.add(argument.value)
        elif node.func.id == "_columns" and isinstance(argument, ast.Dict):
            phrases.update(value.value for value in argument.values if isinstance(value, ast.Constant))
    return phrases


@pytest.mark.parametrize("path", REPORT_MODULES, ids=lambda path: path.name)
def test_every_phrase_of_the_report_has_its_spanish(path):
    catalogue = Words("es").catalogue
    phrases = _phrases(path)
    assert phrases, "the check finds the phrases"
    assert sorted(phrase for phrase in phrases if phrase not in catalogue) == []


def test_values_shown_in_words_have_their_spanish():
    catalogue = Words("es").catalogue
    values = ({title for title, _step in STEPS} | {status.replace("_", " ") for status in STATUSES}
              | {"within bounds", "exceeds max discount", "below floor", "helps", "harms", "no measurable effect"}
              | set(CATEGORIES) | {measure.label for measure in MEASURES.values()}
              | {measure.evidence for measure in MEASURES.values()})
    assert sorted(value for value in values if value not in catalogue) == []


def test_spanish_keeps_the_fields_of_each_phrase():
    for english, spanish in SPANISH.items():
        assert set(_fields(english)) == set(_fields(spanish)), english


def _fields(template: str) -> list[str]:
    import string

    return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]


def test_numbers_and_dates_in_the_language(spanish):
    assert spanish.number(12345.678, 1) == "12.345,7"
    assert spanish.percent(0.125) == "12,5\u00a0%"
    assert spanish.percent(-0.031, signed=True) == "-3,1\u00a0%"
    assert spanish.date("2026-10-31") == "31 oct 2026"
    english = Words("en")
    assert (english.number(12345.678, 1), english.percent(0.125), english.date("2026-10-31")) == (
        "12,345.7", "12.5%", "Oct 31, 2026")
    with pytest.raises(ValueError, match="unknown report language"):
        Words("fr")


def test_the_spanish_report_has_no_english_heading_left(tmp_path, spanish):
    lines = []
    path = run_main_job(tmp_path, size="tiny", seed=3, echo=lines.append, lang="es")
    page = path.read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "generado el" in page
    assert "La empresa de un vistazo" in page and "Del pedido al cobro" in page
    headings = [english for english in SPANISH if english[:1].isupper() and "{" not in english
                and english != SPANISH[english]]
    assert [heading for heading in headings if f">{heading}<" in page] == []
    assert "Resumen" in lines and lines[-1].startswith("Informe: ")
    assert not any(line.startswith(("Summary", "Report:", "      done in")) for line in lines)
    # English stays the default
    set_language("en")
    english = run_main_job(tmp_path / "en", size="tiny", seed=3, echo=[].append).read_text(encoding="utf-8")
    assert "The company at a glance" in english and '<html lang="en">' in english
