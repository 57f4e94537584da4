"""Ticket NLP in Spanish and English: language, category, urgency, sentiment,
key phrases and suggested replies. Pure Python (spaCy + scikit-learn), no Odoo.

:mod:`ai_insights.nlp.seed` ships the labelled seed corpus a company with no
labelled tickets of its own trains its first analyzer on."""

from ai_insights.nlp.classifier import TicketAnalyzer, check_training_labels, split_holdout
from ai_insights.nlp.keyphrases import (
    candidate_phrases,
    group_key_phrases,
    rank_phrases,
    trending_phrases,
)
from ai_insights.nlp.language import detect_language
from ai_insights.nlp.pipeline import build_ticket_nlp
from ai_insights.nlp.replies import DEFAULT_TEMPLATES, ReplySuggester
from ai_insights.nlp.text import clean_text, ticket_texts

__all__ = [
    "DEFAULT_TEMPLATES",
    "ReplySuggester",
    "TicketAnalyzer",
    "build_ticket_nlp",
    "candidate_phrases",
    "check_training_labels",
    "clean_text",
    "detect_language",
    "group_key_phrases",
    "rank_phrases",
    "split_holdout",
    "ticket_texts",
    "trending_phrases",
]
