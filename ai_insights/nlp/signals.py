"""Urgency signals that hold beyond the generator's phrases, in Spanish and English.

A generator writes urgency with a few words ("urgente", "asap"); customers
write it as a situation: a deadline today or tomorrow, a problem that has
lasted since yesterday, work that is blocked, money taken twice, a third
message about the same thing, a safety risk, an account someone else got
into. They also say when nothing is pressing ("no rush", "sin prisa").

Each group below is one regular expression over the lower-cased text with
accents removed ("mañana" -> "manana", so typed and untyped accents match
alike; :func:`fold_accents`); :func:`signal_counts` counts the matches of every group. The
analyzer reads them as dense cues next to its text features (see
:mod:`ai_insights.nlp.classifier`); the linear model learns how much each one
weighs, so a group is a hint and never a rule.

The groups were written from the situations in the company set's labelling
guidelines (``tests/data/tickets_independent/README.md``: "high = blocking
work, money charged wrongly twice, hard deadline within a day or two,
safety, security"); whether they earn their place was judged on the
development set, the company's own tickets and the generator's cross-family
split, never on the independent evaluation set.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SIGNAL_GROUPS", "fold_accents", "signal_counts"]

_DAYS = (r"(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo"
         r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
_PATTERNS = {
    # A time limit within a day or two.
    "deadline": (
        r"\b(?:hoy(?: mismo)?|manana|esta (?:tarde|noche)|antes de (?:las?|que|el|manana)|a primera hora"
        r"|today|tomorrow|tonight|this (?:afternoon|evening)|first thing|by (?:end of (?:the )?day|eod|noon)"
        rf"|(?:before|by|para el|antes del?) {_DAYS}|deadline|cut-?off|(?:window|plazo) (?:closes|ends|vence|termina)"
        r"|(?:se (?:acaba|termina|vence)|expires?|vence) (?:el plazo|manana|tomorrow|today|hoy))\b"
    ),
    # A problem that has lasted for some time already.
    "lasting": (
        r"\b(?:desde (?:ayer|anoche|esta manana|hace \w+ (?:dias|horas|semanas)|el " + _DAYS + r")"
        r"|since (?:yesterday|last night|this morning|" + _DAYS + r"|\w+ days)"
        r"|for (?:\w+ )?(?:days|hours|weeks) now|(?:lleva|llevo|llevamos) \w+ (?:dias|horas|semanas))\b"
    ),
    # Work or business that cannot go on.
    "blocked": (
        r"\b(?:no (?:podemos|puedo|pueden|puede) (?:trabajar|facturar|vender|cobrar|abrir|imprimir|operar|atender"
        r"|hacer (?:los |el )?pedidos?)|sin poder (?:trabajar|entrar|operar|facturar|vender)"
        r"|(?:esta|estamos|tenemos|tengo|quedo|quedamos|queda)\w* (?:parad[oa]s?|bloquead[oa]s?)"
        r"|sin (?:sistema|servicio|conexion)|(?:can'?t|cannot|unable to|could not|couldn'?t) (?:work|trade|invoice"
        r"|sell|open|print|operate|take payments|process|serve)|blocking|at a standstill|is down|are down"
        r"|(?:whole|entire) (?:team|office|company|shop|store)|toda la (?:oficina|empresa|plantilla|tienda)"
        r"|(?:perdemos|perder|losing|lose) (?:el |the |a )?(?:contrato|contract|dinero|money|clientes?|customers?"
        r"|ventas|sales))\b"
    ),
    # Money taken more than once.
    "charged_twice": (
        r"(?:\b(?:dos|tres) veces\b|\btwice\b|\bthree times\b|\bdouble[ -]?charged?\b|\bcharged (?:me )?again\b"
        r"|\bcobr\w* (?:de nuevo|otra vez|doble)\b|\b(?:cobros?|cargos?|pagos?|debitos?) (?:duplicad|doble)"
        r"|\bduplicate (?:charge|payment|debit)s?\b|\b[23] ?x ?\d)"
    ),
    # The same matter raised before.
    "repeated": (
        r"\b(?:(?:segunda|tercera|cuarta|quinta) vez|(?:second|third|fourth|fifth) (?:time|e-?mail|mail|message|call)"
        r"|otra vez|de nuevo|once again|ya (?:escribi|llame|mande|envie|reclame|os escribi|les escribi)"
        r"|sin respuesta|no (?:one|body) (?:has )?(?:replied|answered|responded|got back)"
        r"|nadie (?:me |nos )?(?:responde|contesta|ha respondido|ha contestado)|(?:still|sigo|seguimos) (?:no|sin"
        r"|nothing|waiting|without)|reenvio mi|resending|following up again)\b"
    ),
    # Risk to people or property.
    "safety": (
        r"\b(?:humo|smok\w*|quemad\w*|olor a quemado|burn\w*|chispa\w*|spark\w*|descarga|electric shock|shock"
        r"|fuego|fire|incendio|peligr\w*|danger\w*|unsafe|herid\w*|injur\w*|fuga de gas|gas leak|overheat\w*"
        r"|sobrecalienta\w*)\b"
    ),
    # Someone else in an account, or access that should be gone.
    "security": (
        r"\b(?:no (?:fui|he sido|era) yo|(?:wasn'?t|was not) me|hack\w*|otro pais|another country|new device"
        r"|nuevo dispositivo|sospechos\w*|suspicious|fraud\w*|fraude|phishing|unauthori[sz]ed|no autorizad[oa]s?"
        r"|compromised|comprometid[oa]|ex ?emplead[oa]|ya no trabaja|dejo la empresa|former (?:employee|colleague"
        r"|staff)|left the company)\b"
    ),
    # Nothing pressing.
    "calm": (
        r"\b(?:no (?:hay )?prisa|sin prisa|no es urgente|not urgent|no rush|no hurry|whenever you can"
        r"|when you (?:can|get a chance|have a moment)|cuando (?:puedan|podais|pueda|tengan un momento)"
        r"|just (?:wondering|curious|a quick question)|(?:quick|small|general) question|por curiosidad"
        r"|una (?:duda|consulta|pregunta)|out of curiosity|para organizarme)\b"
    ),
}
SIGNAL_GROUPS = tuple(_PATTERNS)
_COMPILED = tuple(re.compile(pattern) for pattern in _PATTERNS.values())
# Any group at all: matches somewhere exactly when one of the groups does (the leftmost place where a group
# matches is a place where this alternation does). Most tickets raise no signal, and for them one scan
# replaces one per group.
_ANY_GROUP = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS.values()))
_NO_SIGNAL = (0,) * len(_PATTERNS)


def fold_accents(text: str) -> str:
    """Lower-case ``text`` and keep it in ASCII: accents and tildes dropped, other signs and emoji
    removed ("Mañana, ¿Está? 🙏" -> "manana, esta? "). The groups only match ASCII words."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")


def signal_counts(text: str) -> tuple[int, ...]:
    """How many times each of :data:`SIGNAL_GROUPS` occurs in ``text`` (any case, accents or not)."""
    folded = fold_accents(text)
    if not _ANY_GROUP.search(folded):
        return _NO_SIGNAL
    return tuple(len(pattern.findall(folded)) for pattern in _COMPILED)
