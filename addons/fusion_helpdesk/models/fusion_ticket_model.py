import io
import json
import tempfile
import zipfile
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models

from ai_insights.nlp import TicketAnalyzer, ticket_texts
from ai_insights.nlp.seed import load_seed_corpus
from ai_insights.nlp.training import OWN_TICKET_WEIGHT, train_ticket_analyzer
from ai_insights.registry.store import CARD_FILE, MODEL_FILE, SUMS_FILE, UntrustedModelError

TASKS = ("category", "urgency", "sentiment")
# The only members a stored analyzer archive may hold (what TicketAnalyzer.save writes).
ARCHIVE_MEMBERS = (MODEL_FILE, CARD_FILE, SUMS_FILE)
# How many seed tickets every version trains on beside the company's own (default: the whole seed corpus).
SEED_SIZE_PARAMETER = "fusion_helpdesk.seed_corpus_size"
# Loaded analyzers by (database, version id, training date): loading takes a fraction of a second,
# analysing a ticket milliseconds, so each worker keeps the last few.
_ANALYZERS = OrderedDict()
_CACHE_SIZE = 4


class FusionTicketModel(models.Model):
    """One trained version of a company's ticket analyzer, with its card.

    The analyzer (spaCy lemma tables and scikit-learn models) is saved by
    :meth:`TicketAnalyzer.save` (skops, card and checksums) and stored as a
    zip of that directory; loading unpacks only the expected files and lets
    :meth:`TicketAnalyzer.load` verify the checksums and the trusted types.
    """

    _name = "fusion.ticket.model"
    _inherit = ["fusion.model.version.mixin", "fusion.company.cron.mixin"]
    _fusion_cron_source_model = "helpdesk.ticket"
    _description = "ERP-CRM Fusion: ticket analyzer version"

    source = fields.Selection(
        [("tickets", "Seed corpus and own tickets"), ("seed_corpus", "Seed corpus")], readonly=True,
        help="What the version learnt from: the seed corpus shipped with the analyzer (synthetic tickets in "
             "Spanish and English), plus the company's own labelled tickets once there are any.")
    ticket_count = fields.Integer(
        "Training tickets", readonly=True, help="Seed corpus tickets plus the company's own labelled tickets.")
    own_ticket_count = fields.Integer(
        "Own tickets", readonly=True,
        help="The company's closed tickets with at least one label that the version learnt from: the analysis a "
             "person left as it was or corrected (category, urgency, sentiment). Each weighs as much as four "
             "seed tickets, the weight at which a company's own tickets helped most on tickets the analyzer "
             "never saw; a few dozen corrections already move it towards the way the company's customers "
             "write. The text learnt from is the one the analysis reads: HTML stripped, and quoted replies "
             "and signatures cut (the ticket's analysis flags say quote_removed when that happened).")
    macro_f1_category = fields.Float("Macro-F1 category", digits=(4, 3), readonly=True)
    macro_f1_urgency = fields.Float("Macro-F1 urgency", digits=(4, 3), readonly=True)
    macro_f1_sentiment = fields.Float("Macro-F1 sentiment", digits=(4, 3), readonly=True)
    label_count = fields.Integer("Corrections", compute="_compute_label_count",
                                 help="Predictions of this version that a person corrected.")

    def _compute_label_count(self):
        groups = self.env["fusion.ticket.label"].sudo()._read_group(
            [("model_version", "in", self.mapped("name")), ("company_id", "in", self.company_id.ids)],
            ["model_version", "company_id"], ["__count"])
        counts = {(name, company.id): count for name, company, count in groups}
        for version in self:
            version.label_count = counts.get((version.name, version.company_id.id), 0)

    def _get_quality(self):
        return (self.macro_f1_category + self.macro_f1_urgency + self.macro_f1_sentiment) / len(TASKS)

    def _get_card_html_sections(self, card):
        """Macro-F1 per task and language, the confusion matrices and, for a version trained on the
        seed corpus, where that corpus comes from; then the generic sections."""
        metrics = card.get("metrics", {})
        languages = sorted({name.rsplit("_", 1)[1] for name in metrics
                            if name.startswith("macro_f1_") and name.count("_") == 3})
        header = Markup().join(Markup("<th>%s</th>") % language for language in [self.env._("all"), *languages])
        rows = Markup().join(
            Markup("<tr><th>%s</th>%s</tr>") % (task, Markup().join(
                Markup("<td>%s</td>") % _figure(metrics.get(f"macro_f1_{task}" + (f"_{lang}" if lang else "")))
                for lang in ["", *languages]))
            for task in TASKS)
        extra = card.get("extra", {})
        matrices = Markup().join(_confusion_html(task, matrix)
                                 for task, matrix in extra.get("confusion_matrices", {}).items())
        sections = [
            Markup("<h5>%s</h5><table class='table table-sm'><tr><th>%s</th>%s</tr>%s</table>") % (
                self.env._("Macro-F1 on held-out tickets, per detected language"), self.env._("Task"),
                header, rows),
            Markup("<h5>%s</h5>%s") % (
                self.env._("Confusion matrices (rows: true label, columns: predicted)"), matrices),
        ]
        seed = extra.get("seed_corpus")
        if seed:
            sections.append(Markup("<h5>%s</h5><p>%s</p>") % (self.env._("Seed corpus"), self.env._(
                "%(rows)d synthetic tickets shipped with the analyzer, made on %(created)s by: %(command)s. "
                "SHA-256: %(sha256)s. Licence: %(licence)s.", rows=seed["rows"], created=seed["created"],
                command=seed["provenance"]["command"], sha256=seed["sha256"], licence=seed["licence"])))
        if "own_tickets" in extra:
            weight = f"{extra['own_ticket_weight']:g}"  # outside the _() call: Babel's extractor evaluates its args
            sections.append(Markup("<h5>%s</h5><p>%s</p>") % (self.env._("What this version learnt from"), self.env._(
                "%(seed)d seed corpus tickets and %(own)d of the company's own labelled tickets (closed tickets, "
                "with the agents' corrections); each own ticket weighs %(weight)s seed tickets.",
                seed=extra["seed_tickets"], own=extra["own_tickets"], weight=weight)))
        return [*sections, *super()._get_card_html_sections(card)]

    # ------------------------------------------------------------------ storage

    @api.model
    def _dumps_model(self, model):
        """A zip of the directory :meth:`TicketAnalyzer.save` writes."""
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as directory:
            model.save(directory)
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in ARCHIVE_MEMBERS:
                    archive.write(Path(directory) / name, name)
        return buffer.getvalue()

    def _load_model(self, fname="model_data"):
        self.ensure_one()
        with tempfile.TemporaryDirectory() as directory, \
                zipfile.ZipFile(io.BytesIO(self.sudo()[fname])) as archive:
            if sorted(archive.namelist()) != sorted(ARCHIVE_MEMBERS):
                raise UntrustedModelError(f"unexpected files in the analyzer archive: {archive.namelist()}")
            for name in ARCHIVE_MEMBERS:
                (Path(directory) / name).write_bytes(archive.read(name))
            return TicketAnalyzer.load(directory)

    def _get_analyzer(self):
        """The loaded analyzer of this version, from this worker's cache when it is there."""
        self.ensure_one()
        key = (self.env.cr.dbname, self.id, str(self.trained_at))
        analyzer = _ANALYZERS.get(key)
        if analyzer is None:
            analyzer = _ANALYZERS[key] = self._load_model()
            while len(_ANALYZERS) > _CACHE_SIZE:
                _ANALYZERS.popitem(last=False)
        _ANALYZERS.move_to_end(key)
        return analyzer

    # ------------------------------------------------------------------ training

    @api.model
    def _get_fusion_seed_corpus_size(self):
        """Seed tickets to train on when a company has too few closed tickets; None: all of them.

        The system parameter ``fusion_helpdesk.seed_corpus_size`` lowers it
        (a faster, less accurate first analyzer).
        """
        size = self.env["ir.config_parameter"].sudo().get_param(SEED_SIZE_PARAMETER)
        return int(size) if size else None

    @api.model
    def _get_training_set(self, company):
        """(texts, labels, dates) of ``company``'s closed tickets with at least one label: its own tickets,
        learnt beside the seed corpus.

        Labels are the tickets' final values: the category's analysis code, the
        urgency (set from the priority a person chose, or the confident
        prediction nobody changed) and the sentiment; a missing one is left out
        of that task only.
        """
        tickets = self.env["helpdesk.ticket"].sudo().with_context(active_test=False).search_read(
            [("company_id", "=", company.id), ("stage_id.closed", "=", True)],
            ["name", "description", "category_id", "fusion_urgency", "fusion_sentiment", "create_date"], load=None)
        codes = dict(self.env["helpdesk.ticket.category"].sudo().with_context(active_test=False).search(
            [("id", "in", list({t["category_id"] for t in tickets if t["category_id"]}))]).mapped(
            lambda category: (category.id, category.fusion_code)))
        frame = pd.DataFrame([{
            "subject": ticket["name"], "body": ticket["description"] or "",
            "category": codes.get(ticket["category_id"]) or None,
            "urgency": ticket["fusion_urgency"] or None, "sentiment": ticket["fusion_sentiment"] or None,
            "date": ticket["create_date"],
        } for ticket in tickets], columns=["subject", "body", *TASKS, "date"])
        frame = frame[frame[list(TASKS)].notna().any(axis=1)]
        return ticket_texts(frame), frame[list(TASKS)].reset_index(drop=True), frame["date"].tolist()

    @api.model
    def _prepare_trained_vals(self, company, label):
        """Train on the seed corpus plus ``company``'s own labelled tickets (:meth:`_get_training_set`) with
        :func:`ai_insights.nlp.training.train_ticket_analyzer`, the training ``make demo`` runs (each own ticket
        weighs ``OWN_TICKET_WEIGHT`` seed tickets, the path the benchmark's learning curve measures)."""
        own_texts, own_labels, dates = self._get_training_set(company)
        seed = load_seed_corpus(limit=self._get_fusion_seed_corpus_size())
        analyzer = train_ticket_analyzer(own_texts, own_labels, dates=dates, seed=seed,
                                         confidence_threshold=company.fusion_helpdesk_confidence, version=label)
        extra = analyzer.card_.extra
        own_count, texts_count = extra["own_tickets"], extra["seed_tickets"] + extra["own_tickets"]
        weight = f"{OWN_TICKET_WEIGHT:g}"  # outside the _() call: Babel's extractor evaluates its arguments
        note = self.env._(
            "Trained on %(seed)d tickets of the seed corpus shipped with the analyzer (synthetic, in Spanish and "
            "English) and %(own)d of the company's own labelled tickets, each weighing %(weight)s seed tickets.",
            seed=len(seed), own=own_count, weight=weight)
        card = replace(analyzer.card_, notes=" ".join(filter(None, [note, analyzer.card_.notes])))
        metrics = card.metrics
        return {
            "source": "tickets" if own_count else "seed_corpus", "ticket_count": texts_count,
            "own_ticket_count": own_count, "message": note,
            "trained_at": pd.Timestamp(card.trained_at).tz_convert(None).to_pydatetime(),
            "card_json": json.dumps(card.to_dict(), default=str, sort_keys=True),
            **{f"macro_f1_{task}": metrics.get(f"macro_f1_{task}", 0.0) for task in TASKS},
            "model_data": self._dumps_model(analyzer),
        }

    @api.model
    def _cron_train(self):
        """Retrain every company that has tickets (scheduled)."""
        self._fusion_run_per_company("_train")


def _figure(value):
    return "–" if value is None else f"{value:.3f}"


def _confusion_html(task, matrix):
    labels = matrix["labels"]
    header = Markup().join(Markup("<th>%s</th>") % label for label in labels)
    rows = Markup().join(
        Markup("<tr><th>%s</th>%s</tr>") % (label, Markup().join(Markup("<td>%d</td>") % n for n in counts))
        for label, counts in zip(labels, matrix["matrix"]))
    return Markup("<h6>%s</h6><table class='table table-sm table-bordered'><tr><th></th>%s</tr>%s</table>") % (
        task, header, rows)
