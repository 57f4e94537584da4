from odoo import api, models
from odoo.tools.misc import format_date, formatLang

from crm_bridge.contract import reasons as reason_words


class FusionReason(models.AbstractModel):
    """Core reasons (``crm_bridge.contract.reasons``) in plain words, the same way in every addon."""

    _name = "fusion.reason"
    _description = "ERP-CRM Fusion reason in plain words"

    @api.model
    def _get_fusion_formats(self, currency=None):
        """{parameter kind: writer}: how a figure of each kind is written in the user's language and formats.

        The kinds are the core's (``crm_bridge.contract.reasons.PARAM_KINDS``: ``date``, ``percent``, ``qty``,
        ``days``, ``money``, amounts in ``currency`` when given), plus ``number`` (two decimals, e.g. a score) and
        ``text`` (written as it is, e.g. a person's name).
        """
        env = self.env

        def number(value, digits):
            return formatLang(env, float(value), digits=digits)

        def qty(value):
            # Up to two decimals, without trailing zeros, as the core's plain writer: "8,4", "2,25", "3"
            rounded = round(float(value), 2)
            return number(rounded, next(digits for digits in (0, 1, 2) if round(rounded, digits) == rounded))

        def percent(value):
            value = float(value) * 100
            return number(value, 0 if abs(value - round(value)) < 0.05 else 1) + "%"

        return {
            "date": lambda value: format_date(env, value),
            "percent": percent,
            "qty": qty,
            "days": lambda value: reason_words.days_text(
                value, translate=lambda unit: env._(unit), number=lambda days: number(days, 0)),
            "money": (lambda value: formatLang(env, float(value), currency_obj=currency)) if currency
            else (lambda value: number(value, 2)),
            "number": lambda value: number(value, 2),
            "text": str,
        }

    @api.model
    def _get_fusion_reason_text(self, reason, currency=None):
        """A core reason (``Reason`` or its dict) in plain words, in the user's language and number formats.

        The phrase of each reason code is the core's (``crm_bridge.contract.reasons.PHRASES``),
        translated through this addon's ``i18n``; dates, percentages, quantities and amounts
        are written as the user's language writes them, amounts in ``currency`` when given.
        """
        return self._get_fusion_reason_texts([reason], currency)[0]

    @api.model
    def _get_fusion_reason_texts(self, reasons, currency=None):
        """Many core reasons in plain words at once (e.g. every score of a list): each phrase is translated
        once and the figure writers are built once; otherwise as :meth:`_get_fusion_reason_text`."""
        env = self.env
        # env._ finds the translation in the calling module's i18n: fusion_base carries the phrases.
        return reason_words.render_all(reasons, translate=lambda phrase: env._(phrase),
                                       formats=self._get_fusion_formats(currency))

    @api.model
    def _get_fusion_reason_text_lists(self, reason_lists, currencies):
        """Each record's reasons in plain words: ``reason_lists[i]`` rendered with amounts in ``currencies[i]``.

        For a list of records that store their reasons as codes (churn scores, suggested lines, price
        proposals): one :meth:`_get_fusion_reason_texts` per currency, whatever the number of records.
        """
        by_currency = {}
        for index, currency in enumerate(currencies):
            by_currency.setdefault(currency, []).append(index)
        texts = [[] for _reasons in reason_lists]
        for currency, indexes in by_currency.items():
            sentences = iter(self._get_fusion_reason_texts(
                [reason for index in indexes for reason in reason_lists[index]], currency))
            for index in indexes:
                texts[index] = [next(sentences) for _reason in reason_lists[index]]
        return texts

    @api.model
    def _get_fusion_phrase_text(self, phrase, params, kinds, currency=None):
        """An addon's own reason in plain words: its ``phrase``, already translated, filled with ``params``.

        For reasons an addon stores as a code and parameters (e.g. why a ticket was escalated) and renders
        when a person reads them, in that person's language: the addon translates the phrase (so the term
        lives in its own ``i18n``), this writes each ``{name}`` of it as :meth:`_get_fusion_formats` writes
        its kind, ``kinds[name]`` (``qty`` when not given).
        """
        formats = self._get_fusion_formats(currency)
        return phrase.format(**{name: formats[kinds.get(name, "qty")](value) for name, value in params.items()})
