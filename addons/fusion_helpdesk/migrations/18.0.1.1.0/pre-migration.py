def migrate(cr, version):
    """Versions trained on the former "bundled demo corpus" become seed-corpus versions.

    Both are synthetic tickets of the same generator; the demo company is no longer read at run time.
    """
    cr.execute("UPDATE fusion_ticket_model SET source = 'seed_corpus' WHERE source = 'demo_corpus'")
