"""Suggested replies: per category, in the customer's language, filled with the
ticket's operational context (order, delivery, invoice, stock).

A template is a list of sentences; a sentence is a string with ``{field}``
placeholders, or a tuple of alternatives tried in order. A sentence whose
fields are not all in the context is left out, so a reply never says "None"
and never promises what we do not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from string import Formatter
from typing import Any

import pandas as pd

from crm_bridge.contract.errors import ValidationError

__all__ = ["CONTEXT_FIELDS", "DEFAULT_TEMPLATES", "ReplySuggester", "disputed_amount", "reply_context"]

CONTEXT_FIELDS = {
    "customer_name": "greeting",
    "order_name": "which order we talk about",
    "order_state": "quotation, confirmed, delivered, cancelled (or Odoo's draft/sent/sale/done/cancel)",
    "promised_date": "delivery date promised to the customer",
    "delivery_date": "actual delivery date, when delivered",
    "invoice_name": "which invoice we talk about",
    "invoice_state": "paid, not_paid, partial, in_payment, overdue, reversed",
    "invoice_amount": "invoice total",
    "currency": "currency code or symbol of the amount",
    "invoice_due_date": "invoice due date",
    "product_name": "product concerned",
    "stock_qty": "free stock of the product now",
    "next_receipt_date": "next expected receipt of the product",
    "order_amount": "order total (billing questions about an order without an invoice)",
    "disputed_amount": "the amount the customer disputes, as they wrote it (see disputed_amount())",
    "message_count": "how many messages the customer has sent about this issue (2 or more is acknowledged)",
}
# Placeholders computed from the context, and the context fields each one needs.
_DERIVED_FIELDS = {
    "late_days": ("promised_date", "delivery_date"),  # delivered after the promise
    "pending_state": ("order_state",),  # state of an order not delivered yet
    "in_stock_qty": ("stock_qty",),  # only when stock > 0
    "restock_date": ("next_receipt_date",),  # only when there is no stock
    "repeat_count": ("message_count",),  # only from the second message on
}

_STATE_NAMES = {
    "es": {
        "quotation": "presupuesto", "draft": "presupuesto", "sent": "presupuesto enviado",
        "confirmed": "confirmado", "sale": "confirmado", "delivered": "entregado", "done": "cerrado",
        "cancelled": "cancelado", "cancel": "cancelado",
        "paid": "pagada", "not_paid": "pendiente de pago", "partial": "pagada en parte",
        "in_payment": "en proceso de pago", "overdue": "vencida", "reversed": "anulada",
    },
    "en": {
        "quotation": "quotation", "draft": "quotation", "sent": "quotation sent", "confirmed": "confirmed",
        "sale": "confirmed", "delivered": "delivered", "done": "closed", "cancelled": "cancelled",
        "cancel": "cancelled", "paid": "paid", "not_paid": "awaiting payment", "partial": "partly paid",
        "in_payment": "being paid", "overdue": "overdue", "reversed": "reversed",
    },
}
_MONTHS = {
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

_ES_CLOSING = "\n\nUn saludo,\nEquipo de atención al cliente"
_EN_CLOSING = "\n\nKind regards,\nCustomer care team"
_ES_GREETING = ("Hola {customer_name}:\n\n", "Hola:\n\n")
_EN_GREETING = ("Dear {customer_name},\n\n", "Hello,\n\n")

DEFAULT_TEMPLATES: dict[str, dict[str, list]] = {
    # Only what the context holds is stated: without an invoice, no sentence says one was reviewed.
    "billing": {
        "es": [_ES_GREETING, "Gracias por escribirnos sobre el cobro.",
               "Sentimos que haya tenido que escribirnos {repeat_count} veces por este motivo.",
               "Vamos a revisar el cargo de {disputed_amount} que nos indica.",
               ("La factura {invoice_name} es de {invoice_amount}.", "Su factura es de {invoice_amount}.",
                "El pedido {order_name} asciende a {order_amount}.", "Se refiere a su pedido {order_name}.", ""),
               "Su estado actual es: {invoice_state}.", "La fecha de vencimiento es el {invoice_due_date}.",
               "Si se le ha cobrado de más, le devolveremos la diferencia y se lo confirmaremos por escrito.",
               _ES_CLOSING],
        "en": [_EN_GREETING, "Thank you for contacting us about this charge.",
               "We are sorry you have had to write to us {repeat_count} times about it.",
               "We are checking the charge of {disputed_amount} you mention.",
               ("Invoice {invoice_name} is for {invoice_amount}.", "Your invoice is for {invoice_amount}.",
                "Order {order_name} comes to {order_amount}.", "This concerns your order {order_name}.", ""),
               "Its current status is: {invoice_state}.", "It is due on {invoice_due_date}.",
               "If you have been charged too much, we will refund the difference and confirm it in writing.",
               _EN_CLOSING],
    },
    "delivery": {
        "es": [_ES_GREETING, "Sentimos las molestias con la entrega.",
               ("Hemos revisado el pedido {order_name}.", "Hemos revisado su pedido."),
               "Le prometimos la entrega para el {promised_date}.", "Se entregó el {delivery_date}.",
               "Llegó con {late_days} días de retraso; le pedimos disculpas.",
               "Su estado actual es: {pending_state}.",
               "Le avisaremos en cuanto haya cualquier novedad.", _ES_CLOSING],
        "en": [_EN_GREETING, "We are sorry for the trouble with your delivery.",
               ("We have looked into order {order_name}.", "We have looked into your order."),
               "We promised delivery for {promised_date}.", "It was delivered on {delivery_date}.",
               "It arrived {late_days} days late, and we apologise.",
               "Its current status is: {pending_state}.",
               "We will let you know as soon as anything changes.", _EN_CLOSING],
    },
    "product_defect": {
        "es": [_ES_GREETING, ("Sentimos que {product_name} le haya llegado con un defecto.",
                              "Sentimos que el producto le haya llegado con un defecto."),
               "Tenemos {in_stock_qty} unidades disponibles, así que podemos enviarle una sustitución de inmediato.",
               "Esperamos recibir más unidades el {restock_date} y le enviaremos la sustitución entonces.",
               ("Indíquenos si prefiere sustitución o reembolso del pedido {order_name}.",
                "Indíquenos si prefiere sustitución o reembolso."), _ES_CLOSING],
        "en": [_EN_GREETING, ("We are sorry that your {product_name} arrived faulty.",
                              "We are sorry that your product arrived faulty."),
               "We have {in_stock_qty} units in stock, so we can send a replacement straight away.",
               "We expect new stock on {restock_date} and will ship your replacement then.",
               ("Please tell us whether you prefer a replacement or a refund for order {order_name}.",
                "Please tell us whether you prefer a replacement or a refund."), _EN_CLOSING],
    },
    "returns": {
        "es": [_ES_GREETING, ("Hemos recibido su solicitud de devolución del pedido {order_name}.",
                              "Hemos recibido su solicitud de devolución."),
               "Le enviaremos las instrucciones y la etiqueta de envío en un próximo mensaje.",
               "Si prefiere un cambio, tenemos {in_stock_qty} unidades de {product_name} disponibles.",
               "El reembolso se hará por el mismo medio de pago.", _ES_CLOSING],
        "en": [_EN_GREETING, ("We have received your return request for order {order_name}.",
                              "We have received your return request."),
               "We will send you the instructions and a shipping label shortly.",
               "If you prefer an exchange, we have {in_stock_qty} units of {product_name} available.",
               "The refund will go back to your original payment method.", _EN_CLOSING],
    },
    "account_access": {
        "es": [_ES_GREETING, "Sentimos que no pueda acceder a su cuenta.",
               "Por seguridad, use la opción «¿Ha olvidado su contraseña?» para recibir un enlace nuevo.",
               "Si el problema continúa, responda a este mensaje y lo revisaremos personalmente.", _ES_CLOSING],
        "en": [_EN_GREETING, "We are sorry you cannot get into your account.",
               "For your security, please use the \"Forgot your password?\" link to receive a new one.",
               "If the problem persists, reply to this message and we will look into it personally.", _EN_CLOSING],
    },
    "other": {
        "es": [_ES_GREETING, "Gracias por su mensaje.",
               ("Lo hemos asociado a su pedido {order_name}.", ""),
               "Un miembro del equipo lo revisará y le responderá lo antes posible.", _ES_CLOSING],
        "en": [_EN_GREETING, "Thank you for your message.",
               ("We have linked it to your order {order_name}.", ""),
               "A member of our team will review it and get back to you shortly.", _EN_CLOSING],
    },
}

_FORMATTER = Formatter()
# An amount as customers write it: "45,90 €", "€45.90", "45.90 EUR", "1.234,50€", "$12".
_AMOUNT = re.compile(
    r"(?P<before>[€$£])\s?(?P<a>\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"|(?P<b>\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s?(?P<after>[€$£]|(?:EUR|USD|GBP|euros?)\b)",
    re.IGNORECASE,
)


def disputed_amount(text: str | None) -> str | None:
    """The first amount with a currency in a customer's message, as they wrote it, or None.

    Parameters
    ----------
    text : str or None
        The ticket's text (plain).

    Returns
    -------
    str or None
        E.g. ``"45,90 €"``; None when the text names no amount with a currency
        (a bare number could be an order or a quantity, and is not taken).
    """
    match = _AMOUNT.search(text or "")
    if not match:
        return None
    return " ".join(match.group(0).split())


# Invoice payment states that are still owed: past their due date they are overdue.
_OWED_STATES = ("not_paid", "partial")


def reply_context(
    customer_name: str | None,
    today: date,
    order: Mapping[str, Any] | None = None,
    invoice: Mapping[str, Any] | None = None,
    product: Mapping[str, Any] | None = None,
    text: str | None = None,
    message_count: int | None = None,
) -> dict[str, Any]:
    """A ticket's reply context (:data:`CONTEXT_FIELDS`) from plain values: the helpdesk's and ``make demo``'s.

    Parameters
    ----------
    customer_name : str or None
        Who the reply greets.
    today : datetime.date
        The day the reply is written: an owed invoice due before it is overdue.
    order : dict, optional
        The order the ticket is about: ``name``, ``state``, ``promised_date``
        (else ``expected_date``), ``delivery_date`` (an order delivered is in
        state ``delivered`` whatever its ``state``), ``amount``, ``currency``.
    invoice : dict, optional
        Its invoice: ``name``, ``payment_state`` (``paid``, ``not_paid``,
        ``partial``, ...), ``amount``, ``currency``, ``due_date``.
    product : dict, optional
        The product concerned: ``name``, ``stock_qty`` (None when not stocked),
        ``next_receipt_date``.
    text : str, optional
        The ticket's plain text, where the disputed amount is read
        (:func:`disputed_amount`).
    message_count : int, optional
        Messages the customer sent about the issue.

    Returns
    -------
    dict
        Only the fields known; missing values (None, NaN, NaT, False) are left
        to the suggester, which drops the sentences that need them.

    Raises
    ------
    ValidationError
        ``today`` is not a date.
    """
    if not isinstance(today, date):
        raise ValidationError(f"today must be a date, got {today!r}", field="today")
    today = _as_date(today)
    context: dict[str, Any] = {"customer_name": customer_name}
    if order:
        delivered = order.get("delivery_date")
        context.update(
            order_name=order.get("name"), order_state="delivered" if not _is_missing(delivered) else order.get("state"),
            promised_date=next((order[key] for key in ("promised_date", "expected_date")
                                if not _is_missing(order.get(key))), None),
            delivery_date=delivered, order_amount=order.get("amount"), currency=order.get("currency"))
    if invoice:
        due = invoice.get("due_date")
        state = invoice.get("payment_state")
        due_day = None if _is_missing(due) else _as_date(due)
        overdue = state in _OWED_STATES and due_day is not None and due_day < today
        context.update(invoice_name=invoice.get("name"), invoice_state="overdue" if overdue else state,
                       invoice_amount=invoice.get("amount"), invoice_due_date=due,
                       currency=invoice.get("currency") or context.get("currency"))
    if product:
        context.update(product_name=product.get("name"), stock_qty=product.get("stock_qty"),
                       next_receipt_date=product.get("next_receipt_date"))
    if text is not None:
        context["disputed_amount"] = disputed_amount(text)
    if message_count is not None:
        context["message_count"] = message_count
    return {key: value for key, value in context.items() if not _is_missing(value)}


_SPACE_BEFORE_BREAK = re.compile(r"[ \t]+\n")


def _fields(sentence: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(sentence) if name}


def _context_fields(placeholders: set[str]) -> set[str]:
    return {field for name in placeholders for field in _DERIVED_FIELDS.get(name, (name,))}


def _is_missing(value: Any) -> bool:
    # False is Odoo's empty field value; 0 is a real quantity.
    if value is None or value is False or (isinstance(value, str) and not value.strip()):
        return True
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))  # NaN, NaT, pd.NA


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)[:10]).date()
    except ValueError:
        return None


def _format_date(value: Any, language: str) -> str:
    day = _as_date(value)
    if day is None:
        return str(value)
    month = _MONTHS[language][day.month - 1]
    return f"{day.day} de {month} de {day.year}" if language == "es" else f"{day.day} {month} {day.year}"


def _format_number(value: float, language: str, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"  # English grouping; Spanish swaps the separators
    return text.translate(str.maketrans(",.", ".,")) if language == "es" else text


class ReplySuggester:
    """Fill reply templates with a ticket's operational context.

    Parameters
    ----------
    templates : dict, optional
        Category -> language -> list of sentences (see module docstring);
        :data:`DEFAULT_TEMPLATES` by default. Date, amount, quantity and
        state formatting is known for ``es`` and ``en``; other languages get
        ISO dates and plain numbers.
    fallback_language : str
        Language used when the ticket's language has no template ("other").
    fallback_category : str
        Category used when the predicted one has no template.
    """

    def __init__(self, templates: Mapping[str, Mapping[str, Sequence]] | None = None,
                 fallback_language: str = "en", fallback_category: str = "other") -> None:
        self.templates = DEFAULT_TEMPLATES if templates is None else templates
        self.fallback_language = fallback_language
        self.fallback_category = fallback_category
        if fallback_category not in self.templates or fallback_language not in self.templates[fallback_category]:
            raise ValidationError(
                f"templates need a {fallback_category!r} category in {fallback_language!r}", field="templates")

    def suggest(self, category: str, language: str, context: Mapping[str, Any] | None = None) -> dict:
        """Build the reply.

        Parameters
        ----------
        category : str
            Predicted (or chosen) ticket category.
        language : str
            The customer's language ("es", "en", "other"...).
        context : dict, optional
            Plain values keyed by :data:`CONTEXT_FIELDS`; missing, ``None``,
            ``False`` or empty values are simply not mentioned.

        Returns
        -------
        dict
            ``{"category", "language", "text", "used_context", "missing_context"}``:
            the template actually used, the reply, and which context fields
            went into it or would have been mentioned had they been given.
        """
        if context is not None and not isinstance(context, Mapping):
            raise ValidationError("context must be a dict", field="context")
        category = category if category in self.templates else self.fallback_category
        by_language = self.templates[category]
        language = language if language in by_language else self.fallback_language
        if language not in by_language:
            category, by_language = self.fallback_category, self.templates[self.fallback_category]
        values = self._values(context or {}, language)
        used, missing, parts = set(), set(), []
        for sentence in by_language[language]:
            alternatives = (sentence,) if isinstance(sentence, str) else tuple(sentence)
            chosen = next((alt for alt in alternatives if _fields(alt) <= values.keys()), None)
            missing |= set().union(*map(_fields, alternatives)) - values.keys()
            if chosen:
                used |= _fields(chosen)
                parts.append(chosen.format_map(values))
        text = "".join(part if part.endswith("\n") else part + " " for part in parts)
        given = {key for key, value in (context or {}).items() if not _is_missing(value)}
        return {
            "category": category,
            "language": language,
            "text": _SPACE_BEFORE_BREAK.sub("\n", text).strip(),
            "used_context": sorted(_context_fields(used)),
            "missing_context": sorted(_context_fields(missing) - given),
        }

    @staticmethod
    def _values(context: Mapping[str, Any], language: str) -> dict[str, str]:
        present = {key: value for key, value in context.items() if not _is_missing(value)}
        states = _STATE_NAMES.get(language, _STATE_NAMES["en"])
        known_language = language in _MONTHS
        values = {}
        for key, value in present.items():
            if key.endswith("_date"):
                values[key] = _format_date(value, language) if known_language else str(value)[:10]
            elif key.endswith("_state"):
                values[key] = states.get(str(value), str(value))
            elif key in ("invoice_amount", "order_amount") and isinstance(value, (int, float)):
                amount = _format_number(float(value), language, 2)
                values[key] = f"{amount} {present['currency']}" if "currency" in present else amount
            elif key == "stock_qty" and isinstance(value, (int, float)):
                values[key] = _format_number(float(value), language, 0 if float(value).is_integer() else 2)
            else:
                values[key] = str(value)
        promised, delivered = _as_date(present.get("promised_date")), _as_date(present.get("delivery_date"))
        if promised and delivered and delivered > promised:
            values["late_days"] = str((delivered - promised).days)
        if "delivery_date" not in present and "order_state" in present:
            values["pending_state"] = values["order_state"]
        count = present.get("message_count")
        if isinstance(count, int) and not isinstance(count, bool) and count >= 2:
            values["repeat_count"] = str(count)
        stock = present.get("stock_qty")
        if isinstance(stock, (int, float)) and stock > 0:
            values["in_stock_qty"] = values["stock_qty"]
        elif "next_receipt_date" in present:
            values["restock_date"] = values["next_receipt_date"]
        return values
