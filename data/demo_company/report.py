"""The manager's report of the main job: one self-contained HTML page with charts.

Each capability contributes a :class:`Section`: headline figures, a short
text in plain words, charts (matplotlib figures, inlined as SVG so the page
needs nothing else) and tables of what to act on.

The report speaks English or Spanish (:func:`set_language`; ``make demo
ARGS="--lang es"``): every phrase goes through :data:`words`, which
translates it from :data:`SPANISH` (and, for the suite's reason phrases and
cockpit measures, from the addons' own ``i18n/es.po``, so they are translated
once) and writes numbers, percentages and dates in the language's locale
(babel).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from babel.dates import format_date  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402
from babel.numbers import format_decimal  # noqa: E402
from jinja2 import Environment, select_autoescape  # noqa: E402

from crm_bridge.contract.reasons import days_text  # noqa: E402
from crm_bridge.contract.reasons import render as render_reason  # noqa: E402

__all__ = ["LANGUAGES", "SPANISH", "Section", "Words", "new_figure", "render_report", "set_language", "words"]

#: The report's languages and the locale that writes their numbers and dates.
LANGUAGES: dict[str, str] = {"en": "en_US", "es": "es_ES"}
#: Addons whose ``i18n/es.po`` already translates phrases the report shows (reasons, cockpit measures).
_ADDON_CATALOGUES = ("fusion_base", "fusion_cockpit")
_ADDONS = Path(__file__).resolve().parents[2] / "addons"


def _addon_catalogue(language: str) -> dict[str, str]:
    """{English: translation} of the addons that carry the suite's shared phrases (empty outside a checkout)."""
    catalogue: dict[str, str] = {}
    for addon in _ADDON_CATALOGUES:
        path = _ADDONS / addon / "i18n" / f"{language}.po"
        if path.is_file():
            with path.open("rb") as po_file:
                catalogue.update({message.id: message.string for message in read_po(po_file)
                                  if message.id and isinstance(message.id, str) and message.string})
    return catalogue


class Words:
    """The report's language: its phrases, translated, and numbers, percentages and dates in its locale."""

    def __init__(self, language: str = "en") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown report language {language!r}: one of {', '.join(LANGUAGES)}")
        self.language = language
        self.locale = LANGUAGES[language]
        self.catalogue = {} if language == "en" else {**_addon_catalogue(language), **CATALOGUES[language]}

    def __call__(self, text: str, **fields: Any) -> str:
        """``text`` in the report's language, its ``{name}`` fields filled with ``fields`` (already formatted)."""
        template = self.catalogue.get(text, text)
        return template.format(**fields) if fields else template

    def number(self, value: float, digits: int = 0) -> str:
        """1,234.5 in English, 1234,5 / 12.345,5 in Spanish."""
        return format_decimal(float(value), format="#,##0" + ("." + "0" * digits if digits else ""),
                              locale=self.locale)

    def percent(self, fraction: float, digits: int = 1, signed: bool = False) -> str:
        """A fraction as a percentage: 0.125 -> "12.5%" ("12,5 %" in Spanish); ``signed`` adds "+"."""
        text = self.number(abs(float(fraction)) * 100 if signed else float(fraction) * 100, digits)
        if signed:
            text = ("-" if float(fraction) < 0 else "+") + text
        return text + ("\u00a0%" if self.language == "es" else "%")

    def date(self, value: date | datetime | pd.Timestamp) -> str:
        """A date as the language writes it: "Oct 31, 2026", "31 oct 2026"."""
        return format_date(pd.Timestamp(value).date(), format="medium", locale=self.locale)

    def reason(self, reason: dict[str, Any] | None) -> str:
        """A core reason (code and params) in the report's words, figures in its locale; "" for none."""
        if not reason:
            return ""

        def translate(text: str) -> str:
            return self.catalogue.get(text, text)

        return render_reason(reason, translate=translate, formats={
            "date": self.date,
            "percent": self.percent,
            "qty": lambda value: self.number(value, 0 if float(value).is_integer() else 2),
            "days": lambda value: days_text(value, translate=translate, number=self.number),
            "money": lambda value: self.number(value, 2),
        })

    def month(self, value: date | datetime | pd.Timestamp) -> str:
        """A month: "Oct 2026", "oct 2026"."""
        return format_date(pd.Timestamp(value).date(), format="MMM y", locale=self.locale)


#: The report's current language: :func:`set_language` changes it, every section reads it.
words = Words()


def set_language(language: str) -> Words:
    """Make the report speak ``language`` (``en`` or ``es``); return its :class:`Words`."""
    words.__init__(language)  # the same object: modules that imported ``words`` follow
    return words


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
                                             float_format=lambda v: words.number(v, 2))
        # pandas escapes line breaks inside cells as a literal "\n"; show them as breaks
        self.tables.append((caption, table.replace("\\n", "<br>")))


def new_figure(width: float = 6.4, height: float = 3.2) -> tuple[plt.Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
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
<p class="sub">{{ subtitle }} &middot; {{ generated }}</p>
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
    now = datetime.now()
    page = environment.from_string(TEMPLATE).render(
        title=title, subtitle=subtitle, sections=sections, lang=words.language,
        generated=html.escape(words("generated {date} at {time}", date=words.date(now), time=f"{now:%H:%M}")),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------- Spanish
#: The report's own phrases in Spanish, keyed by the English text (``{name}`` fields kept).
SPANISH: dict[str, str] = {
    # the page and the run
    "generated {date} at {time}": "generado el {date} a las {time}",
    "ERP-CRM Fusion: what the data says and what to do": "ERP-CRM Fusion: lo que dicen los datos y qué hacer",
    "demo company (size {size}, seed {seed})": "empresa de demostración (tamaño {size}, semilla {seed})",
    "live Odoo at {url}": "Odoo en vivo en {url}",
    "Loading the company...": "Cargando la empresa...",
    "{source}: {customers} customers, {lines} order lines ({seconds} s)":
        "{source}: {customers} clientes, {lines} líneas de pedido ({seconds} s)",
    "done in {seconds} s": "hecho en {seconds} s",
    "Summary": "Resumen",
    "Report: {path}  ({seconds} s in all)": "Informe: {path}  ({seconds} s en total)",
    "Not run: {why}": "No se ejecutó: {why}",
    "{step}: not run ({code}: {why})": "{step}: no se ejecutó ({code}: {why})",
    "Company overview": "Resumen de la empresa",
    "Demand forecast": "Previsión de la demanda",
    "Promises and pricing on open quotations": "Promesas y precios de los presupuestos abiertos",
    "Ticket NLP, escalations and suggested replies": "Análisis de tickets, escalados y respuestas sugeridas",
    "Prediction to action: simulation and measured impact": "De la predicción a la acción: simulación e impacto medido",
    "n/a": "n/d",
    "{days} days": "{days} días",
    # the company at a glance
    "The company at a glance": "La empresa de un vistazo",
    "{customers} customers, {products} products in {warehouses} warehouses, {orders} orders with {lines} lines, "
    "{tickets} tickets.": "{customers} clientes, {products} productos en {warehouses} almacenes, {orders} pedidos "
    "con {lines} líneas, {tickets} tickets.",
    "revenue": "ingresos",
    "gross margin": "margen bruto",
    "average discount": "descuento medio",
    "open quotations": "presupuestos abiertos",
    "open tickets": "tickets abiertos",
    "revenue index (average month = 100)": "índice de ingresos (mes medio = 100)",
    "segment": "segmento",
    "Monthly revenue per segment, each against its own average: the segments do not peak in the same months.":
        "Ingresos mensuales por segmento, cada uno frente a su propia media: los segmentos no tienen su pico en "
        "los mismos meses.",
    "days paid after the due date (late invoices only)": "días pagados después del vencimiento (solo facturas con "
    "retraso)",
    "invoices": "facturas",
    "Payment behaviour: {late} of paid invoices were paid late.":
        "Comportamiento de pago: el {late} de las facturas pagadas se pagó con retraso.",
    "company: {customers} customers, {orders} orders, revenue {revenue}":
        "empresa: {customers} clientes, {orders} pedidos, ingresos {revenue}",
    # churn and value
    "Churn risk and lifetime value": "Riesgo de abandono y valor del cliente",
    "Churn means no purchase in the next {days} days. The model learnt on the window after {train} and was judged "
    "on the later window after {evaluation}, which it never saw; that same model scored every customer as of today, "
    "as Odoo does. Lifetime value covers the next {value_days} days, from the model measured on {folds} rolling "
    "cut-offs.":
        "Abandonar significa no comprar en los próximos {days} días. El modelo aprendió en la ventana posterior al "
        "{train} y se evaluó en la ventana posterior al {evaluation}, que nunca vio; ese mismo modelo puntuó a cada "
        "cliente a fecha de hoy, como hace Odoo. El valor del cliente cubre los próximos {value_days} días y procede "
        "del modelo medido en {folds} cortes sucesivos.",
    "ROC-AUC on the held-out window": "ROC-AUC en la ventana reservada",
    "BG/NBD baseline ROC-AUC": "ROC-AUC de la referencia BG/NBD",
    "Brier score (lower is better)": "Puntuación de Brier (mejor cuanto más baja)",
    "customers at high risk (p ≥ {threshold})": "clientes en riesgo alto (p ≥ {threshold})",
    "expected revenue at risk, next {days} days": "ingresos esperados en riesgo, próximos {days} días",
    "predicted churn probability": "probabilidad de abandono prevista",
    "observed churn rate": "tasa de abandono observada",
    "Calibration on the held-out window: when the model says {share}, about {share} churn.":
        "Calibración en la ventana reservada: cuando el modelo dice {share}, abandona alrededor del {share}.",
    "customers": "clientes",
    "risk": "riesgo",
    "low": "bajo",
    "medium": "medio",
    "high": "alto",
    "Risk by segment.": "Riesgo por segmento.",
    "Valuable customers at risk: call them first": "Clientes valiosos en riesgo: llámelos primero",
    "customer": "cliente",
    "expected revenue": "ingresos esperados",
    "main reason": "motivo principal",
    "second reason": "segundo motivo",
    "Demo check against the generator's hidden truth: {flagged} of the customers flagged high risk have churned or "
    "will, against {all} of all scored customers.":
        "Comprobación de la demostración con la verdad oculta del generador: el {flagged} de los clientes marcados "
        "en riesgo alto ha abandonado o abandonará, frente al {all} de todos los clientes puntuados.",
    "churn: ROC-AUC {auc} (BG/NBD {baseline}), {high} customers at high risk":
        "abandono: ROC-AUC {auc} (BG/NBD {baseline}), {high} clientes en riesgo alto",
    # demand forecast
    "Demand forecast per product, segment and warehouse": "Previsión de la demanda por producto, segmento y almacén",
    "{products} products forecast {weeks} weeks ahead from {history} weeks of orders; the method of each series was "
    "chosen on its own past, and the accuracy below is the backtest's, on weeks each forecast had not seen.":
        "{products} productos previstos {weeks} semanas por delante a partir de {history} semanas de pedidos; el "
        "método de cada serie se eligió con su propio pasado, y la precisión de abajo es la del backtest, en "
        "semanas que cada previsión no había visto.",
    "MASE (lower is better)": "MASE (mejor cuanto más bajo)",
    "MASE of seasonal naive": "MASE del ingenuo estacional",
    "value added against seasonal naive": "valor añadido frente al ingenuo estacional",
    "ordered": "pedido",
    "forecast": "previsión",
    "units per week, goods sold (no services)": "unidades por semana, productos vendidos (sin servicios)",
    "Units ordered per week and the forecast ahead.": "Unidades pedidas por semana y la previsión futura.",
    "products and warehouses running out within {days} days": "productos y almacenes sin stock en {days} días",
    "Forecast stock-outs within {days} days ({service} service), with the suggested reordering rule (minimum: demand "
    "over the vendor lead time; maximum: four weeks more)":
        "Roturas de stock previstas en {days} días (servicio del {service}), con la regla de reabastecimiento "
        "sugerida (mínimo: la demanda durante el plazo del proveedor; máximo: cuatro semanas más)",
    "product": "producto",
    "warehouse": "almacén",
    "days": "días",
    "free": "libre",
    "demand": "demanda",
    "minimum": "mínimo",
    "maximum": "máximo",
    "forecast: {products} products, MASE {mase} against {snaive} for seasonal naive ({added} value added); {soon} "
    "stock-outs forecast within {days} days":
        "previsión: {products} productos, MASE {mase} frente a {snaive} del ingenuo estacional ({added} de valor "
        "añadido); {soon} roturas de stock previstas en {days} días",
    # promises and pricing
    "Order-to-Cash: can we keep the promises on open quotations?":
        "Del pedido al cobro: ¿podemos cumplir las promesas de los presupuestos abiertos?",
    "promises: no open quotation to check": "promesas: ningún presupuesto abierto que comprobar",
    "No open quotation to check.": "Ningún presupuesto abierto que comprobar.",
    "{orders} open quotations with {lines} lines were checked against free stock, dated receipts, deliveries "
    "already promised, replenishment lead times and each warehouse's shipping capacity, and their discounts against "
    "the margin floor and stock pressure.":
        "Se comprobaron {orders} presupuestos abiertos con {lines} líneas frente al stock libre, las recepciones "
        "con fecha, las entregas ya prometidas, los plazos de reabastecimiento y la capacidad de envío de cada "
        "almacén, y sus descuentos frente al margen mínimo y la presión del stock.",
    "quotations {status}": "presupuestos {status}",
    "on time": "a tiempo",
    "partial": "parciales",
    "late": "con retraso",
    "impossible": "imposibles",
    "quotations whose promised date has passed": "presupuestos cuya fecha prometida ya pasó",
    "lines over the allowed discount": "líneas por encima del descuento permitido",
    "lines priced below the floor": "líneas con precio por debajo del mínimo",
    "margin given away beyond the guardrail": "margen cedido más allá del límite de precios",
    "Days of cover, the stock pressure of the guardrail, read the demand forecast's demand per day over the next "
    "{days} days (at most its horizon) instead of the last days' sales.":
        "Los días de cobertura, la presión del stock en el límite de precios, usan la demanda diaria de la "
        "previsión en los próximos {days} días (como mucho su horizonte) en lugar de las ventas de los últimos días.",
    "quotations": "presupuestos",
    "Promise status of open quotations (worst line decides).":
        "Estado de la promesa de los presupuestos abiertos (decide la peor línea).",
    "Lines we cannot deliver on the asked date, and why":
        "Líneas que no podemos entregar en la fecha pedida, y por qué",
    "order": "pedido",
    "quantity": "cantidad",
    "date asked": "fecha pedida",
    "status": "estado",
    "why": "por qué",
    "Discounts beyond the guardrail (needs a manager's approval)":
        "Descuentos más allá del límite de precios (necesitan la aprobación de un responsable)",
    "discount %": "descuento %",
    "allowed %": "permitido %",
    "verdict": "veredicto",
    "within bounds": "dentro de los límites",
    "exceeds max discount": "supera el descuento máximo",
    "below floor": "por debajo del precio mínimo",
    "promises: {on_time} of {orders} open quotations on time, {late} late or impossible; {over} lines over the "
    "pricing guardrail":
        "promesas: {on_time} de {orders} presupuestos abiertos a tiempo, {late} con retraso o imposibles; {over} "
        "líneas por encima del límite de precios",
    # tickets
    "Service-to-Resolution: what customers write about, and the replies ready to send":
        "Del servicio a la resolución: de qué escriben los clientes, y las respuestas listas para enviar",
    "The ticket model learnt category, urgency and sentiment as the helpdesk does, from the {seed} tickets of the "
    "seed corpus and the {closed} closed tickets in Spanish and English, each closed ticket weighing {weight} seed "
    "tickets (a fifth of them all held out to judge it), then read the {open} open tickets.":
        "El modelo de tickets aprendió la categoría, la urgencia y el sentimiento como lo hace el servicio de "
        "asistencia, de los {seed} tickets del corpus semilla y los {closed} tickets cerrados en español e inglés, "
        "cada ticket cerrado con el peso de {weight} tickets del corpus (una quinta parte de todos ellos reservada "
        "para evaluarlo), y después leyó los {open} tickets abiertos.",
    "macro-F1 {task} (held out)": "macro-F1 {task} (reservado)",
    "category": "categoría",
    "urgency": "urgencia",
    "sentiment": "sentimiento",
    "open tickets to escalate": "tickets abiertos que escalar",
    "left to a person (low confidence)": "dejados a una persona (confianza baja)",
    "predicted": "previsto",
    "labelled": "etiquetado",
    "Category confusion on held-out tickets: returns and defects are the usual mix-up.":
        "Confusión de categorías en los tickets reservados: devoluciones y defectos son la confusión habitual.",
    "Open tickets by predicted category and sentiment.": "Tickets abiertos por categoría y sentimiento previstos.",
    "billing": "facturación",
    "delivery": "entrega",
    "product_defect": "defecto de producto",
    "returns": "devoluciones",
    "account_access": "acceso a la cuenta",
    "other": "otros",
    "negative": "negativo",
    "neutral": "neutro",
    "positive": "positivo",
    "What customers say about the most discussed products": "Lo que dicen los clientes de los productos más comentados",
    "tickets": "tickets",
    "key phrases": "frases clave",
    "Trending in the last 30 days": "Tendencias de los últimos 30 días",
    "phrase": "frase",
    "last 30 days": "últimos 30 días",
    "30 days before": "30 días anteriores",
    "lift": "aumento",
    "ticket": "ticket",
    "suggested reply": "respuesta sugerida",
    "Suggested replies, in the customer's language, with the order and invoice facts":
        "Respuestas sugeridas, en el idioma del cliente, con los datos del pedido y de la factura",
    "tickets: macro-F1 category {category}, urgency {urgency}, sentiment {sentiment}; {escalate} of {open} open "
    "tickets to escalate":
        "tickets: macro-F1 categoría {category}, urgencia {urgency}, sentimiento {sentiment}; {escalate} de {open} "
        "tickets abiertos que escalar",
    # actions and impact
    "Prediction to action: measured impact": "De la predicción a la acción: impacto medido",
    "On a live company the impact is measured in Odoo as outcomes come in (ERP-CRM Fusion > Action impact); the "
    "simulation needs the demo company.":
        "En una empresa real el impacto se mide en Odoo a medida que llegan los resultados (ERP-CRM Fusion > "
        "Impacto de las acciones); la simulación necesita la empresa de demostración.",
    "Each rule acts on the customers its prediction selects, except a random control group that gets nothing. What "
    "customers did in the next 90 days was decided by the demo's hidden response model, not by this software, so a "
    "bad rule shows up as no effect or harm.":
        "Cada regla actúa sobre los clientes que selecciona su predicción, salvo un grupo de control aleatorio que "
        "no recibe nada. Lo que hicieron los clientes en los 90 días siguientes lo decidió el modelo de respuesta "
        "oculto de la demostración, no este software, así que una mala regla se ve como ningún efecto o un daño.",
    "actions: {summary}": "acciones: {summary}",
    "{name}: not measured ({why}).": "{name}: sin medir ({why}).",
    "{rule}: churn uplift": "{rule}: mejora del abandono",
    "measured": "medido",
    "estimated": "estimado",
    "true effect (demo only)": "efecto real (solo en la demostración)",
    "churn uplift, points (positive = fewer customers lost)":
        "mejora del abandono, puntos (positivo = menos clientes perdidos)",
    "Uplift with its 95% interval, per rule.": "Mejora con su intervalo del 95 %, por regla.",
    "Rules, what they did and what it was worth": "Reglas, lo que hicieron y lo que valieron",
    "rule": "regla",
    "acted on": "con acción",
    "control": "control",
    "skipped": "omitidos",
    "churn treated": "abandono tratados",
    "churn control": "abandono control",
    "margin per customer": "margen por cliente",
    "cost of actions": "coste de las acciones",
    "helps": "ayuda",
    "harms": "perjudica",
    "no measurable effect": "sin efecto medible",
    "churned": "abandono",
    "reordered": "nuevo pedido",
    "less {outcome}": "menos {outcome}",
    "more {outcome}": "más {outcome}",
    "{rule}: {outcome} {treated} treated (n={n_treated}) vs {control} control (n={n_control}); uplift {uplift} "
    "({confidence} CI {low} to {high}; positive = {better}): {verdict}.":
        "{rule}: {outcome} {treated} en tratados (n={n_treated}) frente a {control} en control (n={n_control}); "
        "mejora {uplift} (IC del {confidence} de {low} a {high}; positivo = {better}): {verdict}.",
    "Margin per customer {margin} (CI {low} to {high}); actions cost {cost}.":
        "Margen por cliente {margin} (IC de {low} a {high}); las acciones cuestan {cost}.",
    "The rule should be changed or switched off.": "Conviene cambiar o desactivar la regla.",
    # the cockpit
    "The cost of disconnection: the cockpit": "El coste de la desconexión: el cuadro de mando",
    "On a live company the cockpit is in Odoo (Sales > Reporting > Cockpit), filled from the promise verdicts kept "
    "on each order.":
        "En una empresa real el cuadro de mando está en Odoo (Ventas > Informes > Cuadro de mando), alimentado por "
        "los veredictos de promesa guardados en cada pedido.",
    "cockpit: {line}": "cuadro de mando: {line}",
    "Cockpit: the cost of disconnection, {start} to {end}":
        "Cuadro de mando: el coste de la desconexión, de {start} a {end}",
    "(An estimated loss below zero: no more cancellations than orders with a feasible promise had.)":
        "(Una pérdida estimada por debajo de cero: no más cancelaciones que los pedidos con una promesa factible.)",
    "Paired KPIs (sales | operations):": "KPI emparejados (ventas | operaciones):",
    "Associated, not caused: customers who got a late delivery lapsed {late} of the time, the others {on_time} "
    "(difference {difference}, 95% interval {low} to {high}); customers who order more get more late deliveries and "
    "lapse less, so this says nothing about cause.":
        "Asociado, no causado: los clientes que recibieron una entrega con retraso dejaron de comprar el {late} de "
        "las veces, los demás el {on_time} (diferencia {difference}, intervalo del 95 % de {low} a {high}); los "
        "clientes que piden más reciben más entregas con retraso y dejan de comprar menos, así que esto no dice "
        "nada de la causa.",
    # The demo's action rules (a company names its own rules in Odoo)
    "Retention call and offer to high-risk customers": "Llamada y oferta de retención a clientes de riesgo alto",
    "Discount email to low-risk customers": "Correo con descuento a clientes de riesgo bajo",
    "Not measured: {measure} (the company's records do not hold what it needs).":
        "Sin medir: {measure} (los registros de la empresa no guardan los datos que necesita).",
    "Before and after {date} (associated: no control group):": "Antes y después del {date} (asociado: sin grupo de "
    "control):",
    "{measure}: {before} a month before, {after} after (95% interval of the difference {low} to {high})":
        "{measure}: {before} al mes antes, {after} después (intervalo del 95 % de la diferencia de {low} a {high})",
    "Treated against control (measured):": "Tratados frente a control (medido):",
    "{rule}, {outcome}: {treated} treated vs {control} control, uplift {uplift} ({low} to {high}): {verdict}":
        "{rule}, {outcome}: {treated} en tratados frente a {control} en control, mejora {uplift} (de {low} a "
        "{high}): {verdict}",
    "What the gap between what sales promised and what operations could do cost, from the company's own records. "
    "Estimated figures state their correction; associated ones are not causes.":
        "Lo que costó la distancia entre lo que ventas prometió y lo que operaciones pudo hacer, a partir de los "
        "propios registros de la empresa. Las cifras estimadas indican su corrección; las asociadas no son causas.",
    "per month": "por mes",
    "Revenue cancelled after bad promises and margin given above the guardrail, per month":
        "Ingresos cancelados tras malas promesas y margen cedido por encima del límite de precios, por mes",
    "Per salesperson": "Por comercial",
    "salesperson": "comercial",
    "Paired KPIs": "KPI emparejados",
    "sales": "ventas",
    "sales figure": "cifra de ventas",
    "operations": "operaciones",
    "operations figure": "cifra de operaciones",
}

CATALOGUES: dict[str, dict[str, str]] = {"es": SPANISH}
