"""The manager's report of the main job: one self-contained HTML page with charts.

Each capability contributes a :class:`Section`: headline figures, a short
text in plain words, charts (matplotlib figures, inlined as SVG so the page
needs nothing else) and tables of what to act on.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment, select_autoescape  # noqa: E402

__all__ = ["Section", "render_report", "new_figure"]


@dataclass
class Section:
    """One capability's part of the report."""

    title: str
    intro: str = ""
    figures: dict[str, str] = field(default_factory=dict)  # label -> formatted value
    charts: list[tuple[str, str]] = field(default_factory=list)  # (caption, inline SVG)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, HTML table)
    notes: list[str] = field(default_factory=list)

    def add_chart(self, caption: str, figure: plt.Figure) -> None:
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(figure)
        svg = buffer.getvalue()
        self.charts.append((caption, svg[svg.index("<svg"):]))

    def add_table(self, caption: str, frame: pd.DataFrame, max_rows: int = 15) -> None:
        table = frame.head(max_rows).to_html(index=False, border=0, classes="data",
                                             float_format=lambda v: f"{v:,.2f}")
        # pandas escapes line breaks inside cells as a literal "\n"; show them as breaks
        self.tables.append((caption, table.replace("\\n", "<br>")))


def new_figure(width: float = 6.4, height: float = 3.2) -> tuple[plt.Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>
 body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px;
        color: #1f2933; line-height: 1.45; padding: 0 1rem; }
 h1 { margin-bottom: .2rem; } .sub { color: #6b7280; margin-top: 0; }
 section { border-top: 3px solid #714b67; margin-top: 2rem; padding-top: .5rem; }
 .figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
 .figure { background: #f5f3f7; border-radius: 8px; padding: .6rem .9rem; min-width: 9rem; }
 .figure b { display: block; font-size: 1.35rem; color: #714b67; }
 .figure span { font-size: .85rem; color: #4b5563; }
 .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
 .chart { flex: 1 1 460px; max-width: 540px; } .chart svg { width: 100%; height: auto; }
 .caption { font-size: .9rem; color: #4b5563; margin: .25rem 0 1rem; }
 table.data { border-collapse: collapse; font-size: .85rem; width: 100%; margin-bottom: 1rem; }
 table.data th { text-align: left; background: #f5f3f7; }
 table.data th, table.data td { padding: .3rem .5rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
 .note { color: #92400e; background: #fffbeb; padding: .4rem .7rem; border-radius: 6px; }
</style></head><body>
<h1>{{ title }}</h1>
<p class="sub">{{ subtitle }} &middot; generated {{ generated }}</p>
{% for section in sections %}
<section id="s{{ loop.index }}">
 <h2>{{ section.title }}</h2>
 {% if section.intro %}<p>{{ section.intro }}</p>{% endif %}
 {% if section.figures %}<div class="figures">
  {% for label, value in section.figures.items() %}
  <div class="figure"><b>{{ value }}</b><span>{{ label }}</span></div>{% endfor %}
 </div>{% endif %}
 {% for note in section.notes %}<p class="note">{{ note }}</p>{% endfor %}
 <div class="charts">{% for caption, svg in section.charts %}
  <div class="chart">{{ svg | safe }}<p class="caption">{{ caption }}</p></div>{% endfor %}
 </div>
 {% for caption, table in section.tables %}<h3>{{ caption }}</h3>{{ table | safe }}{% endfor %}
</section>
{% endfor %}
</body></html>
"""


def render_report(path: str | Path, title: str, subtitle: str, sections: list[Section]) -> Path:
    """Write the report to ``path`` and return it."""
    environment = Environment(autoescape=select_autoescape(default=True))
    page = environment.from_string(TEMPLATE).render(
        title=title, subtitle=subtitle, sections=sections,
        generated=html.escape(datetime.now().strftime("%Y-%m-%d %H:%M")),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
