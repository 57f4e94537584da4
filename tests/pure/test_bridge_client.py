"""The bridge client against a tiny local server speaking Odoo's JSON-RPC, failing on demand."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import odoorpc
import pytest

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError
from crm_bridge.sync.client import BridgeCallError, BridgeClient, BridgeState, RetryPolicy


class FakeOdoo:
    """Just enough of Odoo for odoorpc: version, login, context, and fusion.bridge methods."""

    def __init__(self):
        self.failures = []  # what the next execute_kw requests do: "http503", "drop", "serialization", "bug"
        self.calls = []
        self.keys = {}
        self.races = {}  # idempotency key -> how many more calls it loses a race

    def bridge(self, method, args):
        if method == "api_version":
            return {"api_version": schemas.API_VERSION, "max_batch": schemas.MAX_BATCH}
        if method == "changes":
            cursor = args[0] or "0"
            position = int(cursor)
            items = [{"type": "order", "id": i} for i in range(position, min(position + args[1], 5))]
            return {"ok": True, "error": False, "changes": items, "cursor": str(position + len(items)),
                    "more": position + len(items) < 5}
        records = args[0]
        if len(records) > schemas.MAX_BATCH:
            return {"ok": False, "error": {"code": "batch_too_large", "field": "records", "message": "too many"},
                    "results": []}
        results = []
        for record in records:
            if self.races.get(record["idempotency_key"]):
                self.races[record["idempotency_key"]] -= 1
                results.append({"external_id": record["external_id"], "idempotency_key": record["idempotency_key"],
                                "status": "error", "id": False, "error": {
                                    "code": "conflict", "field": "external_id", "message": "raced",
                                    "details": {"retryable": True}}})
                continue
            status = "replayed" if record["idempotency_key"] in self.keys else "created"
            self.keys.setdefault(record["idempotency_key"], len(self.keys) + 1)
            results.append({"external_id": record["external_id"], "idempotency_key": record["idempotency_key"],
                            "status": status, "id": self.keys[record["idempotency_key"]], "error": False})
        return {"ok": True, "error": False, "results": results}

    def answer(self, path, params):
        if path == "/web/webclient/version_info":
            return {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""]}
        if params.get("service") == "common":
            return 7
        method = params["args"][4]
        if method == "context_get":
            return {"lang": "en_US", "tz": "UTC"}
        self.calls.append((method, params["args"][5]))
        return self.bridge(method, params["args"][5])


@pytest.fixture
def server():
    fake = FakeOdoo()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            params = body.get("params", {})
            is_bridge_call = params.get("args", [None] * 5)[3:4] == ["fusion.bridge"]
            failure = fake.failures.pop(0) if is_bridge_call and fake.failures else None
            if failure == "http503":
                self.send_response(503)
                self.end_headers()
                return
            if failure == "drop":
                self.close_connection = True
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            if failure in ("serialization", "bug"):
                name = "psycopg2.errors.SerializationFailure" if failure == "serialization" else "builtins.KeyError"
                reply = {"jsonrpc": "2.0", "id": body["id"], "error": {
                    "code": 200, "message": "Odoo Server Error", "data": {"name": name, "message": failure}}}
            else:
                reply = {"jsonrpc": "2.0", "id": body["id"], "result": fake.answer(self.path, params)}
            payload = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield fake
    httpd.shutdown()
    httpd.server_close()


def make_client(server, **kwargs):
    sleeps = []
    client = BridgeClient.connect(server.url, "db", "bridge-crm", "api-key", sleep=sleeps.append,
                                  retry=kwargs.pop("retry", RetryPolicy(attempts=4, base_delay=0.5, max_delay=1.5)),
                                  **kwargs)
    return client, sleeps


def leads(n, prefix="k"):
    return [{"idempotency_key": f"{prefix}{i}", "external_id": f"L{i}", "values": {"name": f"Lead {i}"}}
            for i in range(n)]


def test_batches_respect_the_size_and_keep_order(server):
    client, _ = make_client(server, batch_size=40)
    progress = []
    results = client.upsert_leads(leads(100), progress.append)
    assert [len(args[0]) for _method, args in server.calls] == [40, 40, 20]
    assert [r["external_id"] for r in results] == [f"L{i}" for i in range(100)]
    assert sum(progress) == 100


@pytest.mark.parametrize("failure", ["http503", "drop", "serialization"])
def test_transient_faults_are_retried_with_backoff(server, failure):
    client, sleeps = make_client(server)
    server.failures = [failure, failure]
    results = client.upsert_leads(leads(3))
    assert {r["status"] for r in results} == {"created"}
    assert sleeps == [0.5, 1.0]
    assert len(server.calls) == 1  # failed requests never reached the bridge


def test_retries_give_up_after_the_policy(server):
    client, sleeps = make_client(server)
    server.failures = ["http503"] * 4
    with pytest.raises(Exception, match="503"):
        client.upsert_leads(leads(1))
    assert sleeps == [0.5, 1.0, 1.5]


def test_validation_and_bugs_are_never_retried(server):
    client, sleeps = make_client(server)
    server.failures = ["bug"]
    with pytest.raises(Exception, match="Odoo Server Error|bug"):
        client.upsert_leads(leads(1))
    assert sleeps == []
    server.keys.clear()
    with pytest.raises(BridgeCallError) as refused:
        client.call("upsert_leads", leads(schemas.MAX_BATCH + 1))
    assert refused.value.code == "batch_too_large" and sleeps == []


def test_bad_records_are_refused_locally_and_not_sent(server):
    client, _ = make_client(server)
    records = leads(2) + [{"idempotency_key": "bad", "external_id": "B", "values": {"name": 5}}]
    results = client.upsert_leads(records)
    assert [r["status"] for r in results] == ["created", "created", "error"]
    assert results[2]["error"]["code"] == "invalid_type"
    assert len(server.calls[0][1][0]) == 2


def test_state_file_resumes_an_interrupted_push(server, tmp_path):
    state_path = tmp_path / "push.json"
    client, _ = make_client(server, batch_size=10, state=BridgeState(state_path))
    server.failures = [None, None, "bug"]  # the third batch fails for good
    with pytest.raises(odoorpc.error.RPCError, match="bug"):
        client.upsert_leads(leads(50))
    assert len(json.loads(state_path.read_text())["results"]) == 20
    server.calls.clear()
    resumed, _ = make_client(server, batch_size=10, state=BridgeState(state_path))
    results = resumed.upsert_leads(leads(50))
    assert sum(len(args[0]) for _method, args in server.calls) == 30
    assert {r["status"] for r in results} == {"created"}
    assert len(BridgeState(state_path).results) == 50


def test_follow_changes_pages_and_keeps_the_cursor(server, tmp_path):
    state_path = tmp_path / "feed.json"
    client, sleeps = make_client(server, state=BridgeState(state_path))
    seen = list(client.follow_changes(limit=2, interval=9.0, max_polls=4))
    assert [c["id"] for c in seen] == [0, 1, 2, 3, 4]
    assert sleeps == [9.0]  # idle once, after the last page; never after the final poll
    assert BridgeState(state_path).cursor == "5"


def test_client_refuses_a_batch_size_above_the_contract(server):
    with pytest.raises(ValueError):
        BridgeClient(object(), batch_size=schemas.MAX_BATCH + 1)
    assert isinstance(BridgeCallError("x", code="access_denied"), FusionError)


def test_records_that_lost_a_race_are_sent_again_alone(server, tmp_path):
    state_path = tmp_path / "push.json"
    client, sleeps = make_client(server, state=BridgeState(state_path))
    server.races = {"k1": 2, "k3": 5}  # k3 loses more races than the policy allows
    results = client.upsert_leads(leads(4))
    assert [r["status"] for r in results] == ["created", "created", "created", "error"]
    assert [len(args[0]) for _method, args in server.calls] == [4, 2, 2, 1]  # only the losers again
    assert sleeps == [0.5, 1.0, 1.5]
    assert results[3]["error"]["code"] == "conflict"
    assert set(BridgeState(state_path).results) == {"k0", "k1", "k2"}  # the loser may be sent later
