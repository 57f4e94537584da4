"""Ticket NLP in Spanish and English: language, category, urgency, sentiment,
key phrases and suggested replies. Pure Python (spaCy + scikit-learn), no Odoo."""

from ai_insights.nlp.classifier import TicketAnalyzer, check_training_labels, split_holdout
from ai_insights.nlp.keyphrases import candidate_phrases, group_key_phrases, rank_phrases, trending_phrases
from ai_insights.nlp.language import detect_language
from ai_insights.nlp.pipeline import build_ticket_nlp
from ai_insights.nlp.replies import DEFAULT_TEMPLATES, ReplySuggester
from ai_insights.nlp.text import clean_text, ticket_texts

__all__ = [
    "TicketAnalyzer", "check_training_labels", "split_holdout",
    "candidate_phrases", "group_key_phrases", "rank_phrases", "trending_phrases",
    "detect_language", "build_ticket_nlp", "DEFAULT_TEMPLATES", "ReplySuggester",
    "clean_text", "ticket_texts",
]
