"""The distributor's catalogue: product names, categories, prices and lead times.

A mid-size distributor of hardware, garden, heating and facility supplies.
Names are composed from a base item and a variant, so a catalogue of any
size is plausible without a name generator library.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CATEGORIES", "make_products"]

# category -> (code prefix, base items, variants, share sold by the dozen, margin range, kind)
# kind: "storable", "consumable" or "service".
CATEGORIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], float, tuple[float, float], str]] = {
    "Garden": (
        "GAR",
        ("Garden hose", "Pruning shears", "Lawn mower", "Hedge trimmer", "Sprinkler",
         "Planter box", "Wheelbarrow", "Leaf blower", "Garden rake", "Seed mix"),
        ("Classic", "Pro", "Compact", "XL", "Eco", "Deluxe", "Basic", "Premium"),
        0.0,
        (0.25, 0.55),
        "storable",
    ),
    "Heating": (
        "HEA",
        ("Oil radiator", "Gas heater", "Boiler valve", "Thermostat", "Heat pump",
         "Radiator panel", "Pellet stove", "Fan heater", "Underfloor kit", "Flue pipe"),
        ("1500 W", "2000 W", "Smart", "Wall", "Pro", "Compact", "Eco", "600 mm"),
        0.0,
        (0.18, 0.40),
        "storable",
    ),
    "Tools": (
        "TOO",
        ("Cordless drill", "Impact driver", "Angle grinder", "Socket set", "Tape measure",
         "Spirit level", "Hammer", "Screwdriver set", "Jigsaw", "Workbench"),
        ("18 V", "12 V", "Pro", "Heavy duty", "Compact", "Kit", "Basic", "XL"),
        0.0,
        (0.20, 0.50),
        "storable",
    ),
    "Electrical": (
        "ELE",
        ("LED bulb", "Extension cord", "Circuit breaker", "Cable reel", "Wall socket",
         "Floodlight", "Junction box", "Motion sensor", "Power strip", "Switch plate"),
        ("E27", "GU10", "10 m", "25 m", "IP65", "Smart", "Double", "White"),
        0.2,
        (0.25, 0.60),
        "storable",
    ),
    "Plumbing": (
        "PLU",
        ("Mixer tap", "PVC pipe", "Ball valve", "Shower head", "Siphon",
         "Pipe fitting", "Water filter", "Pressure pump", "Flexible hose", "Sealant"),
        ("1/2\"", "3/4\"", "32 mm", "Chrome", "Pro", "Eco", "Basic", "XL"),
        0.2,
        (0.20, 0.45),
        "storable",
    ),
    "Safety": (
        "SAF",
        ("Safety gloves", "Hard hat", "Safety goggles", "Hi-vis vest", "Ear defenders",
         "First aid kit", "Dust mask", "Safety boots", "Harness", "Fire extinguisher"),
        ("S", "M", "L", "XL", "Pro", "EN 397", "Pack", "Basic"),
        0.3,
        (0.30, 0.60),
        "storable",
    ),
    "Cleaning": (
        "CLE",
        ("Floor detergent", "Degreaser", "Paper towels", "Disinfectant", "Bin bags",
         "Hand soap", "Microfibre cloths", "Glass cleaner", "Absorbent granules", "Mop heads"),
        ("5 L", "10 L", "Pack 12", "Pack 50", "Industrial", "Eco", "Lemon", "Refill"),
        0.15,
        (0.15, 0.35),
        "consumable",
    ),
    "Services": (
        "SRV",
        ("Installation", "Maintenance contract", "Boiler service", "Delivery and assembly",
         "Tool repair", "Technical visit"),
        ("Standard", "Premium", "Annual", "Express"),
        0.0,
        (0.35, 0.60),
        "service",
    ),
}

# Share of the catalogue per category (services are a small tail).
_CATEGORY_SHARE = {
    "Garden": 0.15, "Heating": 0.13, "Tools": 0.15, "Electrical": 0.15,
    "Plumbing": 0.14, "Safety": 0.11, "Cleaning": 0.13, "Services": 0.04,
}
_SOLD_BY_WEIGHT = {"Seed mix", "Absorbent granules", "Sealant"}
_PRICE_RANGE = {  # typical unit cost range per category, in currency units
    "Garden": (3.0, 250.0), "Heating": (8.0, 900.0), "Tools": (4.0, 300.0),
    "Electrical": (1.0, 120.0), "Plumbing": (1.5, 220.0), "Safety": (2.0, 90.0),
    "Cleaning": (1.0, 40.0), "Services": (30.0, 400.0),
}


def make_products(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Draw a catalogue of ``n`` products.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (the catalogue is deterministic given its state).
    n : int
        Number of products, at least one per category.

    Returns
    -------
    pandas.DataFrame
        The ``products`` table (schema order), ids starting at 1.
    """
    names = list(_CATEGORY_SHARE)
    counts = np.maximum(1, np.floor(np.array(list(_CATEGORY_SHARE.values())) * n)).astype(int)
    counts[0] += n - counts.sum()  # rounding remainder goes to the first category
    rows = []
    for category, count in zip(names, counts):
        prefix, items, variants, dozen_share, (margin_lo, margin_hi), kind = CATEGORIES[category]
        # Unique (item, variant) pairs, so product names never repeat.
        pairs = rng.permutation(len(items) * len(variants))[:count]
        if count > len(pairs):  # tiny catalogues never get here; huge ones reuse with a series
            pairs = np.resize(pairs, count)
        cost_lo, cost_hi = _PRICE_RANGE[category]
        costs = np.exp(rng.uniform(np.log(cost_lo), np.log(cost_hi), count))
        margins = rng.uniform(margin_lo, margin_hi, count)
        for index, (pair, cost, margin) in enumerate(zip(pairs, costs, margins)):
            item, variant = items[pair // len(variants)], variants[pair % len(variants)]
            series = "" if index < len(items) * len(variants) else f" S{index}"
            rows.append({
                "category": category,
                "name": f"{item} {variant}{series}",
                "type": kind,
                "uom": "kg" if item in _SOLD_BY_WEIGHT else ("Dozens" if rng.random() < dozen_share else "Units"),
                "cost": round(float(cost), 2),
                # margin on price: price = cost / (1 - margin)
                "list_price": round(float(cost / (1.0 - margin)), 2),
                "vendor_lead_days": 0 if kind == "service" else int(rng.integers(3, 46)),
                "customer_lead_days": int(rng.integers(1, 4) if kind != "service" else rng.integers(3, 11)),
            })
    products = pd.DataFrame(rows)
    products.insert(0, "product_id", np.arange(1, len(products) + 1, dtype=np.int64))
    prefixes = products["category"].map({c: spec[0] for c, spec in CATEGORIES.items()})
    products.insert(1, "default_code", prefixes + "-" + products["product_id"].map("{:04d}".format))
    return products[["product_id", "default_code", "name", "category", "type", "uom", "cost",
                     "list_price", "vendor_lead_days", "customer_lead_days"]]
