"""Make a ticket body safe to analyse: HTML mail stripped, quoted replies and
signatures cut, size bounded.

The original text is never modified: the caller keeps it, and these functions
return a cleaned copy plus flags saying what was done to it.
"""

from __future__ import annotations

import html
import re
import unicodedata

from crm_bridge.contract.errors import ValidationError

__all__ = ["DEFAULT_MAX_CHARS", "clean_text", "ticket_texts"]

DEFAULT_MAX_CHARS = 10_000
# Raw input is cut before any regex runs, so a 1 MB body costs no more than this.
_RAW_CAP_FACTOR = 4

_HTML_HINT = re.compile(
    r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z][a-zA-Z0-9]*|!--)[^<>]{0,2000}>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);"
)
_INVISIBLE_BLOCKS = re.compile(r"<(script|style|head)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_LINE_BREAK_TAGS = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|/?blockquote|/?table)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")
# Where the customer's own words end in a mail: an earlier message quoted below, or a signature.
_QUOTE_HEADER = re.compile(
    r"^(?:on\b.{0,120}\bwrote\b.{0,60}:[ \t]*$|el\b.{0,120}\bescribi[oó]\b.{0,60}:[ \t]*$"
    r"|-{2,}\s*(?:original message|mensaje original)\s*-{2,}"
    r"|(?:from|de):\s.{0,200}\n(?:(?:sent|enviado|date|fecha|to|para):\s))",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNATURE = re.compile(r"^(?:--|__+)\s*$|^(?:sent from my|enviado desde mi)\b", re.IGNORECASE | re.MULTILINE)
_QUOTED_LINE = re.compile(r"^\s*>.*$\n?", re.MULTILINE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _strip_html(text: str) -> str:
    text = _INVISIBLE_BLOCKS.sub(" ", text)
    text = _LINE_BREAK_TAGS.sub("\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def _strip_quotes_and_signature(text: str) -> str:
    """The customer's own words: text above a quoted earlier message or a signature, without ``>`` lines.

    Nothing is cut when the cut would leave nothing (a mail that is all quote).
    """
    own = text
    for pattern in (_QUOTE_HEADER, _SIGNATURE):
        match = pattern.search(own)
        if match and own[: match.start()].strip():
            own = own[: match.start()]
    own = _QUOTED_LINE.sub("", own)
    return own if own.strip() else text


def _cut(text: str, limit: int) -> str:
    """Cut at ``limit`` characters, backing up to a space so no word is split."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", max(0, limit - 100), limit)
    return text[: space if space > 0 else limit]


def clean_text(text: str | None, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[str, list[str]]:
    """Return the analysable form of a ticket text and what was done to it.

    Parameters
    ----------
    text : str or None
        Subject and body as received. ``None`` and ``False`` (Odoo's empty
        field value) count as empty.
    max_chars : int
        Longest text analysed; longer texts are cut and flagged.

    Returns
    -------
    cleaned : str
        Text without HTML tags and entities, quoted replies and signatures,
        whitespace normalised, at most
        ``max_chars`` characters.
    flags : list of str
        Among ``"truncated"``, ``"html_stripped"``, ``"quote_removed"`` (an
        earlier message quoted below, or a signature, was cut), ``"empty"``.

    Raises
    ------
    ValidationError
        If ``text`` is neither a string nor empty.
    """
    if text is None or text is False:
        return "", ["empty"]
    if not isinstance(text, str):
        raise ValidationError(f"ticket text must be a string, got {type(text).__name__}", field="text")
    flags = []
    raw_cap = max_chars * _RAW_CAP_FACTOR
    if len(text) > raw_cap:
        text = _cut(text, raw_cap)
        flags.append("truncated")
    if _HTML_HINT.search(text):
        text = _strip_html(text)
        flags.append("html_stripped")
    text = unicodedata.normalize("NFC", text)
    own = _strip_quotes_and_signature(text)
    if own != text:
        text = own
        flags.append("quote_removed")
    text = _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()
    if len(text) > max_chars:
        text = _cut(text, max_chars)
        if "truncated" not in flags:
            flags.append("truncated")
    if not text:
        flags.append("empty")
    return text, flags


def ticket_texts(tickets, subject: str = "subject", body: str = "body") -> list[str]:
    """Join subject and body of each ticket row into the text the analyzer reads.

    Parameters
    ----------
    tickets : pandas.DataFrame
        One row per ticket with ``subject`` and ``body`` columns (missing values allowed).
    """
    subjects = tickets[subject].fillna("").astype(str)
    bodies = tickets[body].fillna("").astype(str)
    return [f"{s}\n\n{b}".strip() for s, b in zip(subjects, bodies)]
