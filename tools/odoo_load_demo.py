"""Load the demo company into an Odoo database through the ORM.

Usage: ``python tools/odoo_load_demo.py [odoo options: -c CONF | --db_host ...] -d DB [--size small]``
(run with the Odoo tree importable). Loading twice does nothing the second time.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", choices=["tiny", "small", "default"])
    parser.add_argument("--seed", type=int, default=7)
    args, odoo_args = parser.parse_known_args(argv)

    import odoo
    from odoo import SUPERUSER_ID, api

    from crm_bridge.tables.backends import OrmBackend
    from demo_company import generate
    from demo_company.odoo_loader import load_company

    odoo.tools.config.parse_config(odoo_args)
    database = odoo.tools.config["db_name"]
    started = time.monotonic()
    company = generate(seed=args.seed, size=args.size)
    print(f"Demo company generated ({args.size}) in {time.monotonic() - started:.0f} s; loading into {database}",
          flush=True)
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        counts = load_company(company, OrmBackend(env),
                              progress=lambda step, n: print(f"  {step}: {n}", flush=True))
    if not counts:
        print("The demo company is already loaded: nothing to do.")
        return 0
    print("Loaded " + ", ".join(f"{n} {model}" for model, n in counts.items())
          + f" in {time.monotonic() - started:.0f} s")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "fusion.churn.model" in env:
            score_customers(env, company)
        if "fusion.forecast.run" in env:
            print(env["fusion.forecast.run"]._run(env.company).message)
        if "fusion.price.proposal" in env:
            propose_prices(env)
    return 0


def propose_prices(env) -> None:
    """Price the company's default pricelist once, so the proposals screen has something to decide."""
    company = env.company
    if not company.fusion_pricing_pricelist_id:
        company.fusion_pricing_pricelist_id = env["product.pricelist"].search(
            [("company_id", "in", [company.id, False])], limit=1) or env["product.pricelist"].create(
            {"name": "Dynamic prices", "company_id": company.id, "currency_id": company.currency_id.id})
    # As saving the settings does once a pricelist is priced: Odoo's Pricelists feature on, the pricelist shown
    env.ref("base.group_user")._apply_group(env.ref("product.group_product_pricelist"))
    proposals = env["fusion.price.proposal"]._propose(company)
    print(f"{len(proposals)} price proposals for {company.fusion_pricing_pricelist_id.display_name}")


def score_customers(env, company) -> None:
    """Train and run the churn model once, so the customers show their risk from the first click."""
    months = (company.orders["date_order"].max() - company.orders["date_order"].min()).days / 30
    # Training needs two windows of the horizon's length: fit the horizon to the history loaded.
    env.company.fusion_churn_horizon_days = min(180, int(months * 30 / 4))
    version = env["fusion.churn.model"]._train(env.company)
    if version.state == "trained":
        print(env["fusion.churn.model"]._score(env.company)["message"])
    else:
        print(f"Churn model not trained: {version.message}")


if __name__ == "__main__":
    sys.exit(main())
