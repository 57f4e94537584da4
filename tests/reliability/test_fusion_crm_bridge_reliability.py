"""The small reliability run (CI): the harness of ``harness.py`` against the tier's live server.

The large run is ``python -m benchmarks reliability``. Every figure but cases
and structured errors must be zero.
"""

import pytest
from harness import (
    Tally,
    access_probes,
    build_world,
    feed_leaks,
    run_access_matrix,
    run_concurrent,
    run_fuzz,
    run_kill_and_resume,
)


def assert_clean(tally):
    figures = tally.figures()
    bad = {name: value for name, value in figures.items()
           if name not in ("reliability_cases", "reliability_structured_errors") and value}
    assert not bad, (bad, tally.examples)
    assert figures["reliability_cases"] > 0


@pytest.fixture(scope="module")
def world(admin, odoo_server):
    return build_world(admin, *odoo_server)


def bound_external_ids(admin, source_id):
    rows = admin.env["fusion.bridge.binding"].search_read([("source_id", "=", source_id)], ["external_id"])
    return {row["external_id"] for row in rows}


def lead_names(admin, prefix):
    return [row["name"] for row in admin.env["crm.lead"].search_read(
        [("name", "=like", f"{prefix}%")], ["name"], context={"active_test": False})]


def test_generated_malformed_payloads_over_both_transports(world, admin):
    tally = Tally()
    run_fuzz(tally, world.identities["a"], 140, seed=17, partner="WORLD-A", product=world.product_code,
             bound_external_ids=lambda: bound_external_ids(admin, world.sources["a"]))
    assert_clean(tally)
    assert tally.structured_errors > tally.cases / 2, tally.figures()


def test_the_access_matrix_refuses_and_leaks_nothing(world, admin):
    tally = Tally()
    run_access_matrix(tally, access_probes(world, admin))
    feed_leaks(tally, world)
    assert_clean(tally)


def test_concurrent_clients_race_and_replay_without_duplicates(world, admin, odoo_server, connect_as):
    clients = [(connect_as(*odoo_server, *world.logins[tag]), label)
               for tag, label in (("a", "RA"), ("a2", "RB")) for _client in range(4)]
    tally = Tally()
    run_concurrent(tally, clients, 25, lambda tag: lead_names(admin, f"Race {tag} "))
    assert_clean(tally)
    assert len(set(lead_names(admin, "Race RA "))) == 25


def test_zz_a_server_killed_mid_batch_resumes_from_the_saved_state(world, reliability_server, pg_connect,
                                                                   connect_as, tmp_path):
    """Last in the file: it kills the server (restarted before it returns)."""
    database = pg_connect()
    database.autocommit = True

    def names():
        with database.cursor() as cr:
            cr.execute("SELECT name FROM crm_lead WHERE name LIKE 'KILL lead %'")
            return [row[0] for row in cr.fetchall()]

    tally = Tally()
    run_kill_and_resume(tally, reliability_server,
                        lambda: connect_as(reliability_server.port, reliability_server.database, *world.logins["a"]),
                        400, tmp_path / "state.json", lambda: len(names()), names, batch_size=25)
    database.close()
    assert_clean(tally)
