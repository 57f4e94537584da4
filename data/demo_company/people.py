"""Names, e-mail addresses and phone numbers of customers and prospects.

Small name lists per language are enough for plausible, varied records:
people (``Lucía Navarro``), Spanish firms (``Suministros Navarro S.L.``) and
English ones (``Hughes Building Supplies Ltd``). Everything is vectorised
over the number of records.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

__all__ = ["COUNTRIES", "person_names", "company_names", "emails", "phones"]

# country -> (language, share of customers, phone prefix, e-mail top-level domain)
COUNTRIES: dict[str, tuple[str, float, str, str]] = {
    "ES": ("es", 0.42, "+34", "es"), "MX": ("es", 0.10, "+52", "com.mx"),
    "AR": ("es", 0.06, "+54", "com.ar"), "CO": ("es", 0.06, "+57", "com.co"),
    "GB": ("en", 0.14, "+44", "co.uk"), "US": ("en", 0.16, "+1", "com"),
    "IE": ("en", 0.06, "+353", "ie"),
}

_FIRST = {
    "es": ("Lucía", "María", "Carmen", "Ana", "Laura", "Sofía", "Isabel", "Elena", "Paula", "Marta",
           "Javier", "Carlos", "José", "Antonio", "Manuel", "David", "Pablo", "Diego", "Alejandro",
           "Miguel", "Andrés", "Valentina", "Camila", "Santiago", "Mateo", "Gabriela", "Fernando"),
    "en": ("Emma", "Olivia", "Sophie", "Grace", "Emily", "Hannah", "Chloe", "Aoife", "Sarah", "Megan",
           "James", "Oliver", "Jack", "Harry", "Thomas", "Daniel", "Michael", "Ryan", "Liam", "Conor",
           "William", "Ethan", "Noah", "Jessica", "Patrick", "Lucy", "George"),
}
_LAST = {
    "es": ("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
           "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez",
           "Vázquez", "Ramos", "Gil", "Serrano", "Castro", "Ortega", "Rubio", "Medina", "Rojas",
           "Vargas", "Castillo", "Herrera", "Mendoza"),
    "en": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Walsh",
           "Murphy", "Kelly", "Evans", "Thomas", "Roberts", "Hughes", "Clarke", "Wright", "Walker",
           "Byrne", "Ryan", "Miller", "Davis", "Anderson", "Moore", "Jackson", "White", "Harris",
           "Martin", "Thompson", "Lewis"),
}
_FIRM_PATTERNS = {
    "es": ("Ferretería {last}", "Suministros {last} S.L.", "Distribuciones {last} S.A.",
           "Construcciones {last} y Asociados", "Instalaciones {last} S.L.", "Reformas {last}",
           "Jardines {last} S.L.", "Talleres {last}", "Grupo {last}", "Comercial {last} e Hijos"),
    "en": ("{last} Supplies Ltd", "{last} & Sons", "{last} Building Services", "{last} Hardware",
           "{last} Facilities Ltd", "{last} Contractors", "{last} Garden Centre", "{last} Engineering",
           "{last} Group", "{last} Trade Supplies"),
}
_FREE_MAIL = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com")
_ROLE_MAILBOX = {"es": ("compras", "info", "administracion", "pedidos"),
                 "en": ("purchasing", "info", "accounts", "orders")}


def _ascii(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _choose(rng: np.random.Generator, options: dict[str, tuple[str, ...]], langs: np.ndarray) -> np.ndarray:
    """One option per record, from the list of the record's language."""
    picked = np.empty(len(langs), dtype=object)
    for lang, words in options.items():
        mask = langs == lang
        picked[mask] = np.array(words, dtype=object)[rng.integers(len(words), size=mask.sum())]
    return picked


def person_names(rng: np.random.Generator, langs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last names per record (``langs``: ``"es"`` or ``"en"``)."""
    return _choose(rng, _FIRST, langs), _choose(rng, _LAST, langs)


def company_names(rng: np.random.Generator, langs: np.ndarray) -> np.ndarray:
    """Trade names of firms, e.g. ``Suministros Navarro S.L.``."""
    patterns = _choose(rng, _FIRM_PATTERNS, langs)
    lasts = _choose(rng, _LAST, langs)
    return np.array([pattern.format(last=last) for pattern, last in zip(patterns, lasts)], dtype=object)


def emails(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray, firm: np.ndarray, countries: np.ndarray
) -> np.ndarray:
    """Addresses: ``first.last12@gmail.com`` for people, ``compras@firm.es`` for firms.

    ``firm`` holds the firm's name, or None for a private person.
    """
    langs = np.array([COUNTRIES[c][0] for c in countries])
    tlds = np.array([COUNTRIES[c][3] for c in countries], dtype=object)
    mailbox = _choose(rng, _ROLE_MAILBOX, langs)
    free = np.array(_FREE_MAIL, dtype=object)[rng.integers(len(_FREE_MAIL), size=len(first))]
    number = rng.integers(1, 99, len(first))
    addresses = []
    for i in range(len(first)):
        if firm[i] is not None:
            slug = "".join(ch for ch in _ascii(firm[i]).lower() if ch.isalnum())[:24]
            addresses.append(f"{mailbox[i]}@{slug}.{tlds[i]}")
        else:
            user = f"{_ascii(first[i])}.{_ascii(last[i])}".lower().replace(" ", "")
            addresses.append(f"{user}{number[i]}@{free[i]}")
    return np.array(addresses, dtype=object)


def phones(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """International numbers such as ``+34 612 345 678``."""
    prefix = pd.Series(countries).map({c: spec[2] for c, spec in COUNTRIES.items()}).to_numpy()
    digits = rng.integers(0, 1000, size=(len(countries), 3))
    digits[:, 0] = rng.integers(600, 1000, len(countries))  # mobile-looking first block
    return np.array([f"{p} {a:03d} {b:03d} {c:03d}" for p, (a, b, c) in zip(prefix, digits)], dtype=object)
