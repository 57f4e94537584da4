"""The CRM bridge tried as a hostile client, a busy integrator and a crashing server would.

Shared by the small run in CI (``tests/reliability/test_fusion_crm_bridge_*.py``,
against the live server of the Odoo tier) and the large one
(``python -m benchmarks reliability``). Everything goes over the wire, as the
source's technical user with an API key, over both XML-RPC and JSON-RPC,
through raw transports so a traceback or an unparsable answer is seen as such.

Each part adds to one ``Tally``:

* ``cases``: calls tried;
* ``structured_errors``: calls answered with the bridge's structured refusal
  (the call's ``error``, or a record's);
* ``tracebacks``: calls answered with anything else (an XML-RPC fault, a
  JSON-RPC error, HTTP 500, an answer the client cannot parse);
* ``partial_writes``: records written for a refused call or a refused record;
* ``duplicates``: records written twice for one external id;
* ``lost``: records acknowledged but not in Odoo, or never written after a resume;
* ``leaks``: a refusal that should have happened and did not (a record of
  another source, company or user written, another source's data answered).
"""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import urllib.error
import urllib.request
import xml.parsers.expat
import xmlrpc.client
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from crm_bridge.sync.client import BridgeClient, BridgeState, RetryPolicy

RECORD_OPERATIONS = ("upsert_partners", "upsert_leads", "upsert_orders", "push_interactions", "push_tickets")
NASTY_STRINGS = [
    "", " ", "\x00", "\x07bell", "\ufffe", "\uffff", "a\ud800b", "\U0010ffff", "Zoë Ñúñez 🦄 مرحبا",
    "Robert'); DROP TABLE res_partner;--", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM "
    "'file:///etc/passwd'>]><x>&e;</x>", "]]><script>alert(1)</script>", "x" * 5000, "%s%s%n", "${jndi:ldap://x}",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30", "Infinity", "NaN", "1e999",
]
NASTY_NUMBERS = [0, -1, 2**31, -(2**31) - 1, 2**63, 10**30, 1e308, -1e308, 1e-320, 0.1 + 0.2, True, False]


@dataclass
class Tally:
    cases: int = 0
    structured_errors: int = 0
    tracebacks: int = 0
    partial_writes: int = 0
    duplicates: int = 0
    lost: int = 0
    leaks: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, text: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 20:
            self.examples.append(f"{kind}: {text[:300]}")

    def figures(self) -> dict[str, int]:
        names = ("cases", "structured_errors", "tracebacks", "partial_writes", "duplicates", "lost", "leaks")
        return {f"reliability_{name}": getattr(self, name) for name in names}


@dataclass
class Identity:
    """Who calls: a database user with an API key (or password), by uid."""

    port: int
    database: str
    uid: int
    secret: str
    context: dict = field(default_factory=dict)


class Unstructured(Exception):
    """The server answered something other than a bridge answer: a fault, an HTTP error, unparsable bytes."""


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xmlrpc_safe(value: Any) -> Any:
    """What XML-RPC can marshal: None as False, integers past 32 bits as strings (the client refuses them).

    A string XML cannot hold (a NUL, a lone surrogate, U+FFFF) makes no XML-RPC
    request at all: ``ValueError``, and the harness sends it over JSON-RPC.
    """
    if isinstance(value, str) and _NOT_XML.search(value):
        raise ValueError("not representable in XML")
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -(2**31) <= value < 2**31:
        return str(value)
    if isinstance(value, dict):
        return {str(key): _xmlrpc_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_xmlrpc_safe(item) for item in value]
    return value


def call_xmlrpc(who: Identity, model: str, method: str, args: list, timeout: float = 300) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{who.port}/xmlrpc/2/object", allow_none=False)
    proxy._ServerProxy__transport.timeout = timeout  # noqa: SLF001 - no public way to set it per proxy
    kwargs = {"context": who.context} if who.context else {}
    try:
        return proxy.execute_kw(who.database, who.uid, who.secret, model, method, _xmlrpc_safe(args), kwargs)
    except (xmlrpc.client.Fault, xmlrpc.client.ProtocolError, xml.parsers.expat.ExpatError) as exc:
        raise Unstructured(f"XML-RPC {type(exc).__name__}: {exc}") from None


def call_jsonrpc(who: Identity, model: str, method: str, args: list, timeout: float = 300) -> Any:
    kwargs = {"context": who.context} if who.context else {}
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [who.database, who.uid, who.secret, model, method, args, kwargs]}}
    try:
        data = json.dumps(body).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError) as exc:  # not JSON at all: nothing a JSON client could send
        raise ValueError(exc) from None
    request = urllib.request.Request(f"http://127.0.0.1:{who.port}/jsonrpc", data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except (urllib.error.HTTPError, ValueError) as exc:
        raise Unstructured(f"JSON-RPC {type(exc).__name__}: {exc}") from None
    if "error" in answer:
        raise Unstructured(f"JSON-RPC error: {json.dumps(answer['error'])[:300]}")
    return answer["result"]


TRANSPORTS: dict[str, Callable[..., Any]] = {"xmlrpc": call_xmlrpc, "jsonrpc": call_jsonrpc}


def is_bridge_answer(answer: Any) -> bool:
    return isinstance(answer, dict) and isinstance(answer.get("ok"), bool) and "error" in answer


def refused_codes(answer: dict) -> set[str]:
    """Error codes of a bridge answer: the call's, or its records'."""
    if answer.get("error"):
        return {answer["error"]["code"]}
    return {result["error"]["code"] for result in answer.get("results", []) if result.get("status") == "error"}


def classify(tally: Tally, label: str, call: Callable[[], Any]) -> dict | None:
    """Count one call: its bridge answer, or a traceback."""
    tally.cases += 1
    try:
        answer = call()
    except Unstructured as exc:
        tally.note("tracebacks", f"{label}: {exc}")
        return None
    if not is_bridge_answer(answer):
        tally.note("tracebacks", f"{label}: not a bridge answer: {str(answer)[:200]}")
        return None
    if refused_codes(answer):
        tally.structured_errors += 1
    return answer


# -- generated malformed payloads ------------------------------------------------------------------

def valid_record(operation: str, case: int, i: int, partner: str, product: str) -> dict:
    """A record of ``operation`` the fuzz source may write (external ids unique per case)."""
    external_id = f"FZ{case}-{i}"
    values = {
        "upsert_partners": {"name": f"Fuzz {case} {i}", "email": f"f{case}.{i}@example.com", "city": "Lyon"},
        "upsert_leads": {"name": f"Fuzz lead {case} {i}", "expected_revenue": 10.0 * i},
        "upsert_orders": {"partner_external_id": partner, "lines": [{"product_code": product,
                                                                     "product_uom_qty": 1.0}]},
        "push_interactions": {"kind": "note", "target_kind": "partner", "target_external_id": partner,
                              "body": "fuzz"},
        "push_tickets": {"name": f"Fuzz ticket {case}", "description": "fuzz", "partner_external_id": partner},
    }[operation]
    return {"idempotency_key": f"fz-{case}-{i}", "external_id": external_id, "values": values}


def _nasty(rng: random.Random) -> Any:
    choice = rng.random()
    if choice < 0.45:
        return rng.choice(NASTY_STRINGS)
    if choice < 0.75:
        return rng.choice(NASTY_NUMBERS)
    if choice < 0.85:
        depth = rng.choice((3, 60, 400))
        value: Any = "deep"
        for _ in range(depth):
            value = [value] if rng.random() < 0.5 else {"k": value}
        return value
    return rng.choice([None, [], {}, [1, "2"], {"name": "x"}, {"": ""}])


def mutate(record: dict, rng: random.Random) -> dict:
    """``record`` with one to three things wrong: a value, a key, the envelope."""
    record = json.loads(json.dumps(record))
    for _ in range(rng.randint(1, 3)):
        target = rng.random()
        values = record.get("values")
        if target < 0.45 and isinstance(values, dict):
            values[rng.choice([*values, "unknown_field", "company_id", "user_id"])] = _nasty(rng)
        elif target < 0.6 and isinstance(values, dict) and isinstance(values.get("lines"), list) \
                and values["lines"] and isinstance(values["lines"][0], dict):
            values["lines"][0][rng.choice(["product_code", "product_uom_qty", "price_unit", "x"])] = _nasty(rng)
        elif target < 0.8:
            record[rng.choice(["idempotency_key", "external_id", "id", "version", "modes"])] = _nasty(rng)
        elif target < 0.9:
            record.pop(rng.choice(["idempotency_key", "external_id", "values"]), None)
        else:
            record["values"] = _nasty(rng)
    return record


def fuzz_calls(count: int, seed: int, partner: str, product: str) -> Iterable[tuple[int, str, list]]:
    """``count`` (case, operation, args) of every operation, most malformed, some batches malformed whole."""
    rng = random.Random(seed)
    operations = (*RECORD_OPERATIONS, "watch_products", "changes")
    for case in range(count):
        operation = operations[case % len(operations)]
        if operation == "watch_products":
            yield case, operation, [rng.choice([[product, _nasty(rng)], _nasty(rng), [product] * 3]),
                                    rng.choice([True, False, _nasty(rng)])]
        elif operation == "changes":
            forged = base64.urlsafe_b64encode(json.dumps(
                {"v": 2, "t": _nasty(rng), "i": _nasty(rng)}, default=str).encode()).decode()
            yield case, operation, [rng.choice([forged, _nasty(rng), False]), rng.choice([10, _nasty(rng)])]
        else:
            size = rng.choice((1, 1, 2, 3))
            records = [valid_record(operation, case, i, partner, product) for i in range(size)]
            records = [mutate(r, rng) if rng.random() < 0.85 else r for r in records]
            whole = rng.random()
            if whole < 0.05:
                batch: Any = _nasty(rng)
            elif whole < 0.08:
                batch = records * 200  # over the batch limit: refused whole
            else:
                batch = records
            yield case, operation, [batch]


def run_fuzz(tally: Tally, who: Identity, count: int, seed: int, partner: str, product: str,
             bound_external_ids: Callable[[], set[str]]) -> None:
    """Send ``count`` generated calls over each transport in turn; then check what was written.

    ``bound_external_ids()`` reads (as the administrator) every external id bound to the fuzz source.
    """
    refused, written = set(), set()
    for case, operation, args in fuzz_calls(count, seed, partner, product):
        transport = "xmlrpc" if case % 2 else "jsonrpc"
        try:
            answer = classify(tally, f"{transport} {operation} #{case}",
                              lambda t=transport, o=operation, a=args: TRANSPORTS[t](who, "fusion.bridge", o, a))
        except ValueError:  # a payload this transport cannot carry: the other one does
            tally.cases -= 1
            other = "jsonrpc" if transport == "xmlrpc" else "xmlrpc"
            answer = classify(tally, f"{other} {operation} #{case}",
                              lambda t=other, o=operation, a=args: TRANSPORTS[t](who, "fusion.bridge", o, a))
        if answer is None or operation not in RECORD_OPERATIONS:
            continue
        sent = [r.get("external_id") for r in args[0] if isinstance(r, dict)] if isinstance(args[0], list) else []
        sent = [e for e in sent if isinstance(e, str) and e.startswith("FZ")]
        if answer.get("error"):
            refused.update(sent)
            continue
        for result in answer["results"]:
            external_id = result.get("external_id")
            if not isinstance(external_id, str) or not external_id.startswith("FZ"):
                continue
            (refused if result["status"] == "error" else written).add(external_id)
    bound = bound_external_ids()
    for external_id in sorted((refused - written) & bound):
        tally.note("partial_writes", f"refused {external_id} is bound")
    for external_id in sorted(written - bound):
        tally.note("lost", f"acknowledged {external_id} is not bound")


# -- the access matrix ---------------------------------------------------------------------------

@dataclass
class Probe:
    """A call that must be refused: ``expected`` codes, and ``check()`` true when nothing leaked."""

    label: str
    who: Identity
    method: str
    args: list
    expected: set[str]
    model: str = "fusion.bridge"
    check: Callable[[], bool] = lambda: True


def run_access_matrix(tally: Tally, probes: Iterable[Probe]) -> None:
    """Each probe over both transports: refused with an expected code, and nothing leaked."""
    for probe in probes:
        for transport, send in TRANSPORTS.items():
            label = f"{transport} {probe.label}"
            tally.cases += 1
            try:
                answer = send(probe.who, probe.model, probe.method, probe.args)
            except Unstructured as exc:
                if "AccessDenied" in str(exc) or "Access Denied" in str(exc) or "AccessError" in str(exc):
                    tally.structured_errors += 1  # Odoo's own refusal of a caller it does not know
                    continue
                tally.note("tracebacks", f"{label}: {exc}")
                continue
            codes = refused_codes(answer) if is_bridge_answer(answer) else set()
            if codes & probe.expected:
                tally.structured_errors += 1
            else:
                tally.note("leaks", f"{label}: expected {sorted(probe.expected)}, got {str(answer)[:200]}")
            if not probe.check():
                tally.note("leaks", f"{label}: a refused call changed data")


# -- concurrent clients ------------------------------------------------------------------------------

def run_concurrent(tally: Tally, clients: list[tuple[Any, str]], records: int,
                   bound_names: Callable[[str], list[str]]) -> None:
    """Clients (``(odoorpc client, source tag)``; several per source) push the same leads at once, then again.

    Clients of one source send the same external ids under their own keys: the
    first creates, the others lose a race (a retryable ``conflict``, sent
    again) or update; the second pass replays every key. ``bound_names(tag)``
    reads the names of the leads bound to the source of ``tag``.
    """
    errors: list[BaseException] = []
    answers: list[tuple[str, list[dict]]] = []

    def work(number: int, odoo: Any, tag: str) -> None:
        rng = random.Random(number)
        batch = [{"idempotency_key": f"c{number}-{j}", "external_id": f"{tag}-{j}",
                  "values": {"name": f"Race {tag} {j}"}} for j in range(records)]
        rng.shuffle(batch)
        client = BridgeClient(odoo, batch_size=100, retry=RetryPolicy(attempts=8, base_delay=0.2, max_delay=2))
        try:
            for _pass in range(2):  # the second pass replays every key
                answers.append((tag, client.upsert_leads(batch)))
                client.state = BridgeState()  # forget, so the keys go over the wire again
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n, odoo, tag)) for n, (odoo, tag) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for exc in errors:
        tally.note("tracebacks", f"concurrent client: {type(exc).__name__}: {exc}")
    for tag, results in answers:
        tally.cases += 1
        failed = [r for r in results if r["status"] == "error"
                  and not (r["error"]["code"] == "conflict" and (r["error"].get("details") or {}).get("retryable"))]
        if failed:
            tally.note("tracebacks" if any(r["error"]["code"] == "odoo_error" for r in failed)
                       else "structured_errors", f"concurrent {tag}: {failed[0]}")
    for tag in sorted({tag for _odoo, tag in clients}):
        names = bound_names(tag)
        expected = {f"Race {tag} {j}" for j in range(records)}
        tally.duplicates += len(names) - len(set(names))
        for name in sorted(expected - set(names)):
            tally.note("lost", f"concurrent: {name} never bound")


# -- a server killed mid-batch -------------------------------------------------------------------------

def run_kill_and_resume(tally: Tally, server: Any, connect: Callable[[], Any], records: int, state_path: Any,
                        count_bound: Callable[[], int], bound_names: Callable[[], list[str]],
                        tag: str = "KILL", batch_size: int = 50) -> None:
    """Push ``records`` leads; SIGKILL the server once some batches are in; restart; resume from the saved state.

    ``server`` has ``kill()`` and ``start()`` (``tools.odoo_server.OdooServer``);
    ``connect()`` logs the source's technical user in (a fresh odoorpc client);
    ``count_bound()`` and ``bound_names()`` read the database directly.
    """
    batch = [{"idempotency_key": f"{tag}-{j}", "external_id": f"{tag}-{j}", "values": {"name": f"{tag} lead {j}"}}
             for j in range(records)]
    failure: list[BaseException] = []

    def push() -> None:
        client = BridgeClient(connect(), batch_size=batch_size, state=BridgeState(state_path),
                              retry=RetryPolicy(attempts=1))
        try:
            client.upsert_leads(batch)
        except BaseException as exc:  # noqa: BLE001 - the kill is expected to break it
            failure.append(exc)

    pusher = threading.Thread(target=push)
    pusher.start()
    while count_bound() < 2 * batch_size and pusher.is_alive():
        threading.Event().wait(0.05)
    killed_at = count_bound()
    server.kill()
    pusher.join()
    tally.cases += 1
    if not failure:
        tally.note("structured_errors", f"kill: the push finished before the kill ({killed_at} bound)")
    server.start()
    resumed = BridgeClient(connect(), batch_size=batch_size, state=BridgeState(state_path))
    results = resumed.upsert_leads(batch)
    tally.cases += 1
    bad = [r for r in results if r["status"] == "error"]
    if bad:
        tally.note("tracebacks", f"resume: {bad[0]}")
    names = bound_names()
    tally.duplicates += len(names) - len(set(names))
    for j in range(records):
        if f"{tag} lead {j}" not in names:
            tally.note("lost", f"kill: {tag}-{j} never bound")


# -- the world the harness runs in ----------------------------------------------------------------------

ALLOWED = {
    "res.partner": ["name", "email", "city", "ref", "country_id"],
    "crm.lead": ["name", "partner_id", "expected_revenue"],
    "sale.order": ["partner_id", "order_line", "commitment_date"],
    "sale.order.line": ["product_id", "product_uom_qty"],
    "mail.message": ["subject", "body"],
    "helpdesk.ticket": ["name", "description", "partner_id"],
}


@dataclass
class World:
    """Sources, users and records the harness needs, created by the administrator over RPC."""

    port: int
    database: str
    sources: dict[str, int]
    identities: dict[str, Identity]
    logins: dict[str, tuple[str, str]]
    partner_a: int
    partner_b: int
    admin_partner: int
    product_code: str


def _uid(admin: Any, login: str) -> int:
    return admin.env["res.users"].search([("login", "=", login)])[0]


def _source(admin: Any, code: str, company: int | bool = False, **flags: Any) -> tuple[int, str, str]:
    context = {"context": {"allowed_company_ids": [company]}} if company else {}
    models = [m for m in ALLOWED if m in admin.env]
    vals = {"name": f"Reliability {code}", "code": code,
            "purpose_ids": [(0, 0, {"model_name": m, "field_name": f, "purpose": "reliability"})
                            for m in models for f in ALLOWED[m]], **flags}
    if company:
        vals["company_id"] = company
    source_id = admin.execute_kw("fusion.bridge.source", "create", [vals], context)
    admin.execute_kw("fusion.bridge.source", "action_create_technical_user", [[source_id]], context)
    key = admin.execute_kw("fusion.bridge.source", "action_generate_api_key", [[source_id]],
                           context)["context"]["default_key"]
    return source_id, f"bridge-{code}", key


def build_world(admin: Any, port: int, database: str, suffix: str = "") -> World:
    """Two companies, sources in both (one archived, one that may not write leads), users outside the bridge."""
    everything = dict.fromkeys(("allow_partners", "allow_leads", "allow_orders", "allow_interactions",
                                "allow_tickets", "allow_changes"), True)
    company_b = admin.env["res.company"].create({"name": f"Reliability B{suffix}"})
    admin.env["res.users"].write([admin.env.uid], {"company_ids": [(4, company_b)]})
    sources, identities, logins = {}, {}, {}
    for tag, company, flags in (("a", False, everything), ("a2", False, everything), ("b", company_b, everything),
                                ("archived", False, everything), ("noleads", False, {"allow_partners": True})):
        source_id, login, key = _source(admin, f"rel{tag}{suffix}", company, **flags)
        sources[tag] = source_id
        logins[tag] = (login, key)
        identities[tag] = Identity(port, database, _uid(admin, login), key)
    admin.env["fusion.bridge.source"].write([sources["archived"]], {"active": False})
    for tag, groups in (("nogroup", ["base.group_user"]), ("nosource", ["fusion_base.group_fusion_api"])):
        login = f"rel-{tag}{suffix}"
        admin.env["res.users"].create({"name": login, "login": login, "password": login + "-pw-123",
                                       "groups_id": [(6, 0, [admin.env.ref(g).id for g in groups])]})
        identities[tag] = Identity(port, database, _uid(admin, login), login + "-pw-123")
    product_code = f"REL{suffix}-1"
    admin.env["product.product"].create({"name": "Reliability widget", "default_code": product_code,
                                         "type": "consu", "list_price": 5.0})
    partner_a = call_jsonrpc(identities["a"], "fusion.bridge", "upsert_partners", [[{
        "idempotency_key": "world-a", "external_id": "WORLD-A", "values": {"name": "A's customer"}}]])
    partner_b = call_jsonrpc(identities["b"], "fusion.bridge", "upsert_partners", [[{
        "idempotency_key": "world-b", "external_id": "WORLD-B", "values": {"name": "B's customer"}}]])
    admin_partner = admin.env["res.users"].read([admin.env.uid], ["partner_id"])[0]["partner_id"][0]
    return World(port, database, sources, identities, logins, partner_a["results"][0]["id"],
                 partner_b["results"][0]["id"], admin_partner, product_code)


def access_probes(world: World, admin: Any) -> list[Probe]:
    """The access matrix: no group, no source, archived source, operation not allowed, another company,
    records not owned, the partner of a user, context injection; each must be refused and change nothing."""
    ids = world.identities

    def unchanged(partner_id: int, name: str) -> Callable[[], bool]:
        return lambda: admin.env["res.partner"].read([partner_id], ["name"])[0]["name"] == name

    def write(key: str, partner_id: int, **values: Any) -> list:
        return [[{"idempotency_key": key, "external_id": f"X-{key}", "id": partner_id,
                  "values": {"name": "Taken over", **values}}]]

    lead = [[{"idempotency_key": "probe-lead", "external_id": "PROBE-LEAD", "values": {"name": "Probe"}}]]
    archived_with_context = Identity(**{**ids["archived"].__dict__, "context": {"active_test": False}})
    injected = Identity(**{**ids["a"].__dict__, "context": {
        "allowed_company_ids": [1, 2, 3], "active_test": False, "default_company_id": 2,
        "tracking_disable": False, "uid": 1, "su": True}})
    return [
        Probe("no API group", ids["nogroup"], "upsert_leads", lead, {"access_denied"}),
        Probe("API group, no source", ids["nosource"], "upsert_leads", lead, {"access_denied"}),
        Probe("archived source", ids["archived"], "upsert_leads", lead, {"access_denied"}),
        Probe("archived source, active_test in context", archived_with_context, "changes", [False, 10],
              {"access_denied"}),
        Probe("operation not allowed", ids["noleads"], "upsert_leads", lead, {"operation_not_allowed"}),
        Probe("another company's partner", ids["a"], "upsert_partners", write("p-b", world.partner_b),
              {"other_company", "not_owned"}, check=unchanged(world.partner_b, "B's customer")),
        Probe("another source's partner", ids["a2"], "upsert_partners", write("p-a2", world.partner_a),
              {"not_owned"}, check=unchanged(world.partner_a, "A's customer")),
        Probe("the partner of a user", ids["a"], "upsert_partners", write("p-admin", world.admin_partner),
              {"protected_record", "not_owned"},
              check=unchanged(world.admin_partner, admin.env["res.partner"].read(
                  [world.admin_partner], ["name"])[0]["name"])),
        Probe("context injection", injected, "upsert_partners", write("p-inj", world.partner_b),
              {"other_company", "not_owned"}, check=unchanged(world.partner_b, "B's customer")),
        Probe("interaction on another source's partner", ids["a2"], "push_interactions", [[{
            "idempotency_key": "i-a2", "external_id": "I-A2", "values": {
                "kind": "note", "target_kind": "partner", "target_external_id": "WORLD-A", "body": "x"}}]],
              {"not_found"}),
        Probe("order for another company's customer", ids["a"], "upsert_orders", [[{
            "idempotency_key": "o-b", "external_id": "O-B", "values": {
                "partner_external_id": "WORLD-B", "lines": [{"product_code": world.product_code,
                                                             "product_uom_qty": 1.0}]}}]], {"not_found"}),
    ]


def feed_leaks(tally: Tally, world: World) -> None:
    """Each source's feed names only its own records: B never sees A's customer, and the other way round."""
    for tag, foreign in (("a", "WORLD-B"), ("b", "WORLD-A"), ("a2", "WORLD-A")):
        cursor, seen = False, []
        for _page in range(200):
            answer = classify(tally, f"feed of {tag}", lambda c=cursor, t=tag: call_jsonrpc(
                world.identities[t], "fusion.bridge", "changes", [c, 500]))
            if answer is None or not answer["ok"]:
                break
            seen += answer["changes"]
            cursor = answer["cursor"]
            if not answer["more"]:
                break
        for change in seen:
            if change.get("external_id") == foreign or change.get("partner_external_id") == foreign:
                tally.note("leaks", f"the feed of {tag} shows {foreign}")
