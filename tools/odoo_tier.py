"""The Odoo side of the project's tooling: find an Odoo 18, run it on a private PostgreSQL.

Sub-commands
------------
``locate``  print the Odoo 18 tree that would be used, or why there is none.
``test``    the Odoo test tier: a throw-away PostgreSQL cluster, a fresh database
            with every project addon installed, the addons' own tests through
            pytest-odoo, then the XML-RPC tests in ``tests/odoo_rpc`` against a
            real server. When no Odoo 18 is found it says so loudly and exits 0
            (``--require`` makes that an error).
``i18n``    write the addons' ``.pot`` and refresh their ``es.po`` (kept translations,
            new terms empty) from a fresh install.
``serve``   ``make odoo``: a persistent cluster under ``var/odoo``, a database with
            every addon and the demo company loaded, served on a loopback port.

How an Odoo is found, first match wins: ``$ODOO_PATH`` (the tree holding the
``odoo`` package), an ``odoo`` importable by this interpreter, the usual
places (``/opt/odoo18``, ``/opt/odoo``, ``~/odoo``, ``../odoo``,
``/usr/lib/python3/dist-packages``), then an Odoo 18.0 source archive
(``$ODOO_ARCHIVE``, else ``shared/odoo/odoo-18.0.tar.xz`` beside the checkout or a parent) unpacked once into
the cache after its sha256 is checked against the ``.sha256`` file beside it.
It must be a 18.0 tree.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ADDONS = PROJECT / "addons"
CACHE = Path(os.environ.get("FUSION_CACHE", Path.home() / ".cache" / "erp-crm-fusion"))
# Third-party addons the suite integrates with, installed from PyPI wheels.
OCA_WHEELS = {"helpdesk_mgmt": "odoo-addon-helpdesk-mgmt>=18.0,<18.1",
              # Later 18.0 releases decorate with odoo.api.private, which this Odoo 18 build lacks.
              "queue_job": "odoo-addon-queue-job==18.0.1.7.0.1"}
DB_USER = "fusion"
SEARCH_PATHS = ("/opt/odoo18", "/opt/odoo", "~/odoo18", "~/odoo", str(PROJECT.parent / "odoo"),
                "/usr/lib/python3/dist-packages")
# The workplace's Odoo 18.0 Community archive, in a ``shared/odoo`` folder beside the
# checkout or one of its parents (a scratch clone elsewhere still finds /work/shared).
ARCHIVE_PLACES = [parent / "shared" / "odoo" / "odoo-18.0.tar.xz" for parent in PROJECT.parents] + [
    Path("/work/shared/odoo/odoo-18.0.tar.xz")]


class OdooNotFound(Exception):
    """No usable Odoo 18: the message says what was tried."""


def banner(text: str) -> None:
    line = "=" * 78
    print(f"\n{line}\n{text}\n{line}\n", flush=True)


def _major_version(root: Path) -> int | None:
    release = root / "odoo" / "release.py"
    if not release.is_file():
        return None
    match = re.search(r"^version_info\s*=\s*\((\d+)", release.read_text(), re.M)
    return int(match.group(1)) if match else None


def locate_odoo() -> Path:
    """Root of an Odoo 18 tree (the directory holding the ``odoo`` package)."""
    tried: list[str] = []
    explicit = os.environ.get("ODOO_PATH")
    if explicit:
        root = Path(explicit).expanduser()
        if _major_version(root) == 18:
            return root
        raise OdooNotFound(f"ODOO_PATH={explicit} holds no Odoo 18 tree (no odoo/release.py with version 18)")
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))"],
        capture_output=True, text=True,
    )
    candidates = [probe.stdout.strip()] if probe.returncode == 0 else []
    tried.append("an 'odoo' importable by " + sys.executable)
    candidates += [str(Path(p).expanduser()) for p in SEARCH_PATHS]
    for candidate in candidates:
        version = _major_version(Path(candidate))
        if version == 18:
            return Path(candidate)
        tried.append(candidate + ("" if version is None else f" (Odoo {version}, not 18)"))
    explicit_archive = os.environ.get("ODOO_ARCHIVE")
    archives = [Path(explicit_archive).expanduser()] if explicit_archive else ARCHIVE_PLACES
    for archive in archives:
        if archive.is_file():
            return unpack_archive(archive)
    tried.append("an Odoo 18.0 archive at " + (explicit_archive or "shared/odoo/odoo-18.0.tar.xz beside the checkout"))
    raise OdooNotFound(
        "no Odoo 18 found. Tried ODOO_PATH (unset), " + ", ".join(tried)
        + ". Point ODOO_PATH at an Odoo 18.0 source tree or ODOO_ARCHIVE at its .tar.xz to run this tier."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack_archive(archive: Path) -> Path:
    """Unpack an Odoo 18 source archive once into the cache; return the tree's root.

    The archive is checked against the ``<archive>.sha256`` file beside it when
    there is one; a mismatch is refused rather than unpacked. The unpacked tree is
    keyed by the archive's digest, so a new archive gets a new tree and an
    interrupted unpack (no stamp) starts over.
    """
    digest = _sha256(archive)
    checksum_file = archive.with_name(archive.name + ".sha256")
    if checksum_file.is_file():
        expected = checksum_file.read_text().split()[0].lower()
        if expected != digest:
            raise OdooNotFound(f"{archive}: sha256 {digest} does not match {checksum_file} ({expected})")
    target = CACHE / f"odoo-{digest[:16]}"
    stamp = target / ".unpacked"
    if not stamp.is_file():
        print(f"Unpacking {archive} into {target} (once)...", flush=True)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with tarfile.open(archive) as tar:
            # the "data" filter refuses links and paths outside the target (Python >= 3.10.12)
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(target, **safe)
        stamp.write_text(digest)
    roots = [path for path in target.iterdir() if _major_version(path) == 18]
    if not roots:
        raise OdooNotFound(f"{archive} holds no Odoo 18 tree (no */odoo/release.py with version 18)")
    return roots[0]


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kwargs)


# -- Python requirements and third-party addons ---------------------------------

def _stamp_ok(stamp: Path, content: str) -> bool:
    return stamp.is_file() and stamp.read_text() == content


def ensure_odoo_requirements(root: Path) -> None:
    """Install Odoo's Python requirements into this interpreter's environment, once."""
    pins = run([sys.executable, PROJECT / "tools" / "odoo_requirements.py", root],
               capture_output=True, text=True).stdout
    stamp = Path(sys.prefix) / ".fusion-odoo-requirements"
    if _stamp_ok(stamp, pins):
        return
    print("Installing Odoo's Python requirements...", flush=True)
    if not shutil.which("pg_config"):
        _apt_install("libpq-dev")  # psycopg2 builds against libpq
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(pins)
    run([sys.executable, "-m", "pip", "install", "-q", "-r", handle.name])
    stamp.write_text(pins)


def ensure_oca_addons() -> Path:
    """Unpack the third-party addon wheels into a cache folder; return that addons dir."""
    target = CACHE / "oca-addons-18.0"
    spec = "\n".join(sorted(OCA_WHEELS.values()))
    stamp = target / ".stamp"
    if _stamp_ok(stamp, spec):
        return target
    print("Fetching third-party addons from PyPI: " + ", ".join(OCA_WHEELS), flush=True)
    with tempfile.TemporaryDirectory() as download:
        run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", download, *OCA_WHEELS.values()])
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for wheel in Path(download).glob("*.whl"):
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if member.startswith("odoo/addons/"):
                        archive.extract(member, download)
        for addon in (Path(download) / "odoo" / "addons").iterdir():
            shutil.copytree(addon, target / addon.name)
    stamp.write_text(spec)
    return target


def project_addons() -> list[str]:
    names = []
    for manifest in sorted(ADDONS.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            names.append(manifest.parent.name)
    return names


# -- PostgreSQL -------------------------------------------------------------------

def _apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        raise SystemExit(f"Missing {' '.join(packages)}: install them (apt-get install {' '.join(packages)}) "
                         "or run as root so this script can.")
    print(f"Installing Debian packages: {' '.join(packages)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL)


def ensure_chromium() -> None:
    """The browser Odoo's tours (``HttpCase.start_tour``) drive: Debian's Chromium."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")):
        _apt_install("chromium")


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        _apt_install("postgresql")
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A private PostgreSQL cluster on a loopback port, owned by the project.

    PostgreSQL refuses to run as root, so as root the server runs as the
    ``postgres`` system user that Debian's package creates.
    """

    def __init__(self, datadir: Path, port: int, durable: bool = False) -> None:
        self.datadir = datadir
        self.port = port
        self.durable = durable
        self.bin = postgres_bin()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _pg(self, tool: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return run([*self.as_postgres, self.bin / tool, *args], **kwargs)

    def start(self) -> None:
        self.datadir.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.datadir, "postgres", "postgres")
        if not (self.datadir / "PG_VERSION").exists():
            self._pg("initdb", "-D", self.datadir, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                     "--locale=C", stdout=subprocess.DEVNULL)
        # A test cluster trades crash safety for speed; a served one keeps it.
        speed = "" if self.durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        running = self._pg("pg_ctl", "-D", self.datadir, "status", check=False, stdout=subprocess.DEVNULL)
        if running.returncode != 0:  # a server left by a run that was killed is reused
            self._pg("pg_ctl", "-D", self.datadir, "-l", self.datadir / "server.log", "-w", "start", "-o",
                     f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1{speed}",
                     stdout=subprocess.DEVNULL)
        exists = self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = {DB_USER!r}").strip()
        if not exists:
            self.psql(f"CREATE ROLE {DB_USER} LOGIN CREATEDB PASSWORD '{DB_USER}'")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._pg("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                        "-tAc", sql, capture_output=True, text=True).stdout

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", self.datadir, "-m", "fast", "-w", "stop", check=False,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def cluster(datadir: Path | None = None, port: int | None = None) -> Iterator[PostgresCluster]:
    scratch = None
    if datadir is None:
        scratch = Path(tempfile.mkdtemp(prefix="fusion-pg-"))
        scratch.chmod(0o711)  # the server may run as another user: let it reach its data dir
        datadir = scratch / "data"
    pg = PostgresCluster(datadir, port or free_port(), durable=scratch is None)
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


# -- Odoo -------------------------------------------------------------------------

def write_config(path: Path, root: Path, pg: PostgresCluster, data_dir: Path, **extra: str) -> Path:
    addons_path = [root / "addons", ADDONS, ensure_oca_addons()]
    options = {
        "addons_path": ",".join(str(p) for p in addons_path if p.is_dir()),
        "data_dir": str(data_dir),
        "db_host": "127.0.0.1",
        "db_port": str(pg.port),
        "db_user": DB_USER,
        "db_password": DB_USER,
        "admin_passwd": secrets.token_urlsafe(16),
        "http_interface": "127.0.0.1",
        "without_demo": "all",
        "max_cron_threads": "0",
        "log_level": "warn",
        "list_db": "False",
        # Training a model over RPC can outlast Odoo's 120 s default, after which the threaded server restarts
        "limit_time_real": "600",
    }
    options.update(extra)
    path.write_text("[options]\n" + "".join(f"{key} = {value}\n" for key, value in options.items()))
    return path


def odoo_env(root: Path) -> dict[str, str]:
    env = dict(os.environ, TZ="UTC")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), str(PROJECT), str(PROJECT / "data"),
                                                      env.get("PYTHONPATH")]))
    return env


def odoo_cmd(root: Path, config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "odoo", "-c", str(config), *args]


def create_database(root: Path, config: Path, database: str, modules: list[str], log: Path) -> None:
    started = time.monotonic()
    print(f"Creating database {database} with {', '.join(modules)} (log: {log})", flush=True)
    with log.open("w") as handle:
        result = subprocess.run(
            odoo_cmd(root, config, "-d", database, "-i", ",".join(modules), "--stop-after-init"),
            env=odoo_env(root), stdout=handle, stderr=subprocess.STDOUT,
        )
    text = log.read_text()
    if result.returncode != 0 or re.search(r" (ERROR|CRITICAL) ", text):
        print(text[-6000:])
        raise SystemExit(f"Installing the addons failed (exit {result.returncode}); see above.")
    print(f"Database ready in {time.monotonic() - started:.0f} s", flush=True)


def load_demo(root: Path, config: Path, database: str, size: str) -> None:
    run([sys.executable, PROJECT / "tools" / "odoo_load_demo.py", "-c", config, "-d", database, "--size", size],
        env=odoo_env(root))


def command_locate(_args: argparse.Namespace) -> int:
    try:
        print(locate_odoo())
    except OdooNotFound as exc:
        print(exc)
        return 1
    return 0


def command_test(args: argparse.Namespace) -> int:
    try:
        root = locate_odoo()
    except OdooNotFound as exc:
        banner(f"ODOO TIER SKIPPED: {exc}")
        return 1 if args.require else 0
    banner(f"ODOO TIER: Odoo 18 at {root}")
    ensure_odoo_requirements(root)
    ensure_chromium()
    modules = args.modules.split(",") if args.modules else project_addons()
    if not modules:
        banner("ODOO TIER SKIPPED: addons/ holds no installable module yet")
        return 0
    with tempfile.TemporaryDirectory(prefix="fusion-odoo-") as scratch, cluster() as pg:
        scratch_dir = Path(scratch)
        config = write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        database = "fusion_test"
        create_database(root, config, database, modules, scratch_dir / "install.log")
        env = odoo_env(root)
        env.update(FUSION_ODOO_ROOT=str(root), FUSION_ODOO_CONFIG=str(config), FUSION_ODOO_DB=database,
                   FUSION_PG_PORT=str(pg.port), FUSION_PG_BIN=str(pg.bin))
        # Glue addons install themselves (auto_install) when their dependencies are there: test them too.
        installed = set(pg.psql("SELECT name FROM ir_module_module WHERE state = 'installed'", database).split())
        modules = [name for name in project_addons() if name in installed]
        addon_tests = [str(ADDONS / name) for name in modules if (ADDONS / name / "tests").is_dir()]
        status = 0
        no_tests_selected = 5  # pytest's exit code when a -k filter leaves nothing: not a failure here
        if addon_tests:
            banner("ODOO TIER, addon tests (pytest-odoo): " + ", ".join(Path(p).name for p in addon_tests))
            status |= subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "odoo", "-q", "-ra", f"--odoo-config={config}",
                 f"--odoo-database={database}", "--odoo-log-level=warn", "--rootdir", str(PROJECT),
                 # pytest-odoo's HTTP server, for the tours (HttpCase in Chromium); without it they are skipped.
                 # The slowest tests' times are printed: the tours' are how long a person's path takes (issue 11).
                 "--odoo-http", "--durations=10",
                 # pytest-odoo imports odoo.tests before test mode is on, which Odoo logs as an error
                 "--odoo-extra=log-handler=odoo.tests.common:CRITICAL",
                 *args.pytest_args, *addon_tests],
                env=env, cwd=PROJECT,
            ).returncode not in (0, no_tests_selected)
        # Tests against the running server (XML-RPC, JSON-RPC, the bridge's reliability harness) are
        # named after the addon they exercise, test_<addon>[_<topic>].py, and run when that addon is installed
        rpc_tests = sorted(str(path) for folder in ("odoo_rpc", "reliability")
                           for path in (PROJECT / "tests" / folder).glob("test_*.py")
                           if addon_of_test(path.stem) in modules)
        if rpc_tests:
            banner("ODOO TIER, XML-RPC tests against a running server (odoorpc)")
            status |= subprocess.run(
                # Their slowest times too: e.g. training the churn model over XML-RPC (issue 12)
                [sys.executable, "-m", "pytest", "-p", "no:odoo", "-q", "-ra", "--durations=10",
                 "--rootdir", str(PROJECT), *args.pytest_args, *rpc_tests],
                env=env, cwd=PROJECT,
            ).returncode not in (0, no_tests_selected)
    banner(f"ODOO TIER {'PASSED' if status == 0 else 'FAILED'}")
    return status


def addon_of_test(stem: str) -> str | None:
    """The addon a server test exercises: the longest addon name its file name starts with.

    ``test_fusion_crm_bridge_sale_promise`` belongs to the glue, not to ``fusion_crm_bridge``.
    """
    names = [name for name in project_addons() if stem == f"test_{name}" or stem.startswith(f"test_{name}_")]
    return max(names, key=len, default=None)


def command_i18n(args: argparse.Namespace) -> int:
    """Rebuild each addon's ``i18n/es.po`` on the terms a fresh install exports, with their references.

    Every exported term gets its translation from the old file (matched by its English
    text) or an empty ``msgstr`` to fill in; terms no extractor sees (the core's reason
    phrases and measure definitions, referenced by the code that translates them) are
    kept as they were. The ``.pot`` is written from the same terms, so it never lacks one
    of ``es.po``'s: Odoo merges an ``es.po`` with its addon's ``.pot`` and skips every
    term the ``.pot`` lacks. Nothing is written when the install or the export fails.
    """
    try:
        root = locate_odoo()
    except OdooNotFound as exc:
        banner(f"i18n needs an Odoo 18: {exc}")
        return 1
    ensure_odoo_requirements(root)
    import polib  # one of Odoo's requirements, installed just above

    modules = args.modules.split(",") if args.modules else project_addons()
    with tempfile.TemporaryDirectory(prefix="fusion-i18n-") as scratch, cluster() as pg:
        scratch_dir = Path(scratch)
        config = write_config(scratch_dir / "odoo.conf", root, pg, scratch_dir / "data")
        database = "fusion_i18n"
        create_database(root, config, database, modules, scratch_dir / "install.log")
        export = scratch_dir / "terms.tgz"
        run(odoo_cmd(root, config, "-d", database, "--i18n-export", str(export), "--modules", ",".join(modules),
                     "--stop-after-init"), env=odoo_env(root), stdout=subprocess.DEVNULL)
        with tarfile.open(export) as archive:
            exported = {Path(member.name).parts[0]: archive.extractfile(member).read().decode()
                        for member in archive.getmembers() if member.isfile() and member.name.endswith(".pot")}
    for module in modules:
        folder = ADDONS / module / "i18n"
        spanish = folder / "es.po"
        old = [entry for entry in polib.pofile(str(spanish)) if not entry.obsolete] if spanish.exists() else []
        catalogue = polib.pofile(exported.get(module, ""))
        terms = {entry.msgid for entry in catalogue}
        kept = {entry.msgid: entry.msgstr for entry in old}
        for entry in catalogue:
            entry.msgstr = kept.get(entry.msgid, "")
        # Kept: code terms the export cannot see (the core's phrases, translated through a variable). A model
        # or view term is always exported while it lives, so one missing from the export is dead (e.g. an old
        # selection label, which would otherwise still win over the new one of the same field).
        catalogue.extend(entry for entry in old if entry.msgid not in terms and entry.occurrences
                         and all(path.startswith("code:") for path, _line in entry.occurrences))
        if not len(catalogue):
            (folder / f"{module}.pot").unlink(missing_ok=True)
            print(f"{module}: no translatable term", flush=True)
            continue
        folder.mkdir(exist_ok=True)
        # The shared archive's build calls itself "Qplexity"; the files keep Odoo's name
        catalogue.metadata["Project-Id-Version"] = "Odoo Server 18.0"
        catalogue.header = catalogue.header.replace("Qplexity", "Odoo")
        template = polib.POFile(wrapwidth=catalogue.wrapwidth)
        template.metadata = dict(catalogue.metadata)
        template.extend(polib.POEntry(msgid=entry.msgid, msgstr="", occurrences=entry.occurrences,
                                      comment=entry.comment, tcomment=entry.tcomment, flags=entry.flags)
                        for entry in catalogue)
        template.save(str(folder / f"{module}.pot"))
        catalogue.metadata.update({"Language": "es", "Plural-Forms": "nplurals=2; plural=(n != 1);"})
        catalogue.save(str(spanish))
        empty = sum(1 for entry in catalogue if not entry.msgstr)
        print(f"{module}: {spanish} has {empty} term(s) without a Spanish translation", flush=True)
    return 0


def command_serve(args: argparse.Namespace) -> int:
    # Stopped by a signal, still stop PostgreSQL and Odoo on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        root = locate_odoo()
    except OdooNotFound as exc:
        banner(f"make odoo needs an Odoo 18: {exc}")
        return 1
    ensure_odoo_requirements(root)
    state = Path(args.state).resolve()
    state.mkdir(parents=True, exist_ok=True)
    port_file = state / "pg_port"
    pg_port = int(port_file.read_text()) if port_file.exists() else free_port()
    port_file.write_text(str(pg_port))
    with cluster(state / "pgdata", pg_port) as pg:
        config = write_config(state / "odoo.conf", root, pg, state / "data", max_cron_threads="1",
                              log_level="info")
        database = args.database
        if not pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip():
            create_database(root, config, database, project_addons(), state / "install.log")
            load_demo(root, config, database, args.size)
        elif args.update:
            # The code changed since the database was made: install new addons, upgrade the others
            addons = ",".join(project_addons())
            run(odoo_cmd(root, config, "-d", database, "-i", addons, "-u", addons, "--stop-after-init"),
                env=odoo_env(root), stdout=subprocess.DEVNULL)
        banner(f"Odoo with ERP-CRM Fusion: http://127.0.0.1:{args.port}/odoo  database {database}, "
               "login admin / password admin.  Ctrl-C stops it.")
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(odoo_cmd(root, config, "-d", database, "--http-port", str(args.port),
                                    "--db-filter", f"^{database}$"), env=odoo_env(root))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("locate").set_defaults(func=command_locate)
    i18n = sub.add_parser("i18n", help="write the addons' .pot and refresh their es.po from a fresh install")
    i18n.add_argument("--modules", help="comma-separated addons (default: every addon)")
    i18n.set_defaults(func=command_i18n)
    test = sub.add_parser("test")
    test.add_argument("--require", action="store_true", help="fail when no Odoo 18 is found")
    test.add_argument("--modules", help="comma-separated addons to install and test (default: every addon)")
    test.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    test.set_defaults(func=command_test)
    serve = sub.add_parser("serve")
    serve.add_argument("--port", type=int, default=int(os.environ.get("ODOO_HTTP_PORT", 8069)))
    serve.add_argument("--database", default="fusion_demo")
    serve.add_argument("--state", default=str(PROJECT / "var" / "odoo"),
                       help="folder for the PostgreSQL cluster, the filestore and the config (one per server)")
    serve.add_argument("--update", action="store_true", help="upgrade the suite's addons before serving")
    serve.add_argument("--size", default="small", choices=["tiny", "small", "default"])
    serve.set_defaults(func=command_serve)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
