"""Print an Odoo tree's Python requirements as pins for this interpreter.

Odoo 18's ``requirements.txt`` pins per Python version; its Python 3.11 pins
(gevent 22, cryptography 3.4, psycopg2 2.9.5...) no longer build or resolve
against current toolchains, while its Python 3.12 pins ship wheels that also
install on 3.11. So the markers are evaluated as for 3.12. Packages only
optional Odoo modules need and that require system headers (python-ldap for
``auth_ldap``) or Windows are left out.

Usage: ``python tools/odoo_requirements.py ODOO_ROOT > reqs.txt``
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

SKIPPED = {"python-ldap", "pypiwin32", "rl-renderpm"}
# Where the suite's own dependencies need newer releases than Odoo's Debian
# pins, and Odoo works with them: pandas 3 needs python-dateutil 2.9.
OVERRIDES = {"python-dateutil": "python-dateutil>=2.9.0"}


def pins(requirements_txt: Path) -> list[str]:
    environment = default_environment()
    environment.update(python_version="3.12", python_full_version="3.12.0")
    selected = []
    for raw in requirements_txt.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.name.lower() in SKIPPED:
            continue
        if requirement.name.lower() in OVERRIDES:
            selected.append(OVERRIDES[requirement.name.lower()])
            continue
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            selected.append(str(requirement))
    return selected


if __name__ == "__main__":
    print("\n".join(pins(Path(sys.argv[1]) / "requirements.txt")))
