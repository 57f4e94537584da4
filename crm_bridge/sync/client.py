"""Typed client of the bridge API (``fusion.bridge`` on an Odoo server), on odoorpc.

* **Batching**: record operations are split into calls of at most
  ``batch_size`` records (the server's ``MAX_BATCH`` by default).
* **Validation first**: each record is checked with ``crm_bridge.contract.schemas``
  before sending; a bad one gets its error result locally and is not sent.
* **Retries** with exponential backoff on transient faults only (connection
  refused or reset, timeouts, HTTP 408/429/502/503/504, database concurrency
  errors), and for the records that lost a race to another client (a
  ``conflict`` result with ``details.retryable``). Never on validation or
  permission errors: those are answers. Replaying a batch is safe because
  every record carries an idempotency key.
* **Resumable state** (``BridgeState``, a JSON file written atomically): the
  results of records already acknowledged, so an interrupted push restarts
  where it stopped, and the changes feed cursor.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import tempfile
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import odoorpc

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError

__all__ = ["BridgeCallError", "BridgeClient", "BridgeState", "RetryPolicy", "is_transient"]

TRANSIENT_HTTP_CODES = frozenset({408, 429, 502, 503, 504})
# Odoo retries these itself a few times; if they still surface, the call may be retried.
TRANSIENT_SERVER_ERRORS = ("SerializationFailure", "LockNotAvailable", "DeadlockDetected",
                           "could not serialize access", "deadlock detected")
MODEL = "fusion.bridge"
#: Result statuses a push does not remember: the same records are sent again next time.
UNSETTLED_STATUSES = frozenset({"error", "queued"})


class BridgeCallError(FusionError):
    """The server refused a call as a whole (``access_denied``, ``batch_too_large``...); never retried."""


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; the wait doubles from ``base_delay`` up to ``max_delay`` seconds."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delays(self) -> Iterator[float]:
        """The waits between consecutive attempts (``attempts - 1`` of them)."""
        for attempt in range(self.attempts - 1):
            yield min(self.max_delay, self.base_delay * 2 ** attempt)


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same call again may succeed."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in TRANSIENT_HTTP_CODES
    if isinstance(exc, (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout,
                        http.client.HTTPException)):
        return True
    if isinstance(exc, odoorpc.error.RPCError):
        data = (exc.info or {}).get("data", {}) if isinstance(exc.info, dict) else {}
        text = " ".join(str(part) for part in (data.get("name", ""), data.get("message", ""), exc.args[0]))
        return any(marker in text for marker in TRANSIENT_SERVER_ERRORS)
    return False


class BridgeState:
    """What a push or a feed follower must remember across runs, in one JSON file.

    ``results`` maps idempotency keys to the result the server gave; ``cursor``
    is the position in the changes feed. Saved atomically (write, then rename).
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path else None
        self.results: dict[str, dict] = {}
        self.cursor: str = ""
        if self.path and self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.results = data.get("results", {})
            self.cursor = data.get("cursor", "")

    def remember(self, results: Sequence[dict]) -> None:
        """Keep the results the server settled.

        Errors are not kept (they may be fixed and resent), nor records ``queued``
        as a background job (``fusion_crm_bridge_queue``): sending them again
        collects their final result once the job ran, and creates no second job.
        """
        for result in results:
            if result.get("status") not in UNSETTLED_STATUSES and result.get("idempotency_key"):
                self.results[result["idempotency_key"]] = result

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": 1, "cursor": self.cursor, "results": self.results}, ensure_ascii=False)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False,
                                         prefix=self.path.name, suffix=".tmp") as handle:
            handle.write(payload)
        os.replace(handle.name, self.path)


class BridgeClient:
    """The bridge API of one Odoo server, as the source's technical user.

    ``odoo`` is a logged-in ``odoorpc.ODOO`` (see ``connect``). ``sleep`` is
    injectable so tests need not wait.
    """

    def __init__(self, odoo: Any, *, batch_size: int = schemas.MAX_BATCH, retry: RetryPolicy | None = None,
                 state: BridgeState | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        if not 1 <= batch_size <= schemas.MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {schemas.MAX_BATCH}")
        self.odoo = odoo
        self.batch_size = batch_size
        self.retry = retry or RetryPolicy()
        self.state = state or BridgeState()
        self.sleep = sleep

    @classmethod
    def connect(cls, url: str, database: str, login: str, api_key: str, *, timeout: float = 120,
                retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                **kwargs: Any) -> BridgeClient:
        """Log in (an API key works as the password) and return a client; login is retried too."""
        parsed = urllib.parse.urlsplit(url)
        secure = parsed.scheme == "https"

        def log_in() -> Any:
            # odoorpc asks the server's version as it connects: part of what is retried.
            odoo = odoorpc.ODOO(parsed.hostname, protocol="jsonrpc+ssl" if secure else "jsonrpc",
                                port=parsed.port or (443 if secure else 80), timeout=timeout)
            odoo.login(database, login, api_key)
            return odoo

        retry = retry or RetryPolicy()
        return cls(_with_retries(log_in, retry, sleep), retry=retry, sleep=sleep, **kwargs)

    # -- calls -------------------------------------------------------------------------

    def call(self, method: str, *args: Any) -> dict:
        """One call to a public bridge method, retried on transient faults; refusals raise."""
        response = _with_retries(lambda: self.odoo.execute_kw(MODEL, method, list(args)), self.retry, self.sleep)
        if isinstance(response, dict) and response.get("ok") is False:
            error = response["error"]
            raise BridgeCallError(error["message"], code=error["code"], field=error.get("field") or None,
                                  details=error.get("details"))
        return response

    def api_version(self) -> dict:
        return self.call("api_version")

    def upsert_partners(self, records: Sequence[dict], progress: Callable[[int], Any] | None = None) -> list[dict]:
        return self.push("upsert_partners", records, progress)

    def upsert_leads(self, records: Sequence[dict], progress: Callable[[int], Any] | None = None) -> list[dict]:
        return self.push("upsert_leads", records, progress)

    def upsert_orders(self, records: Sequence[dict], progress: Callable[[int], Any] | None = None) -> list[dict]:
        return self.push("upsert_orders", records, progress)

    def push_interactions(self, records: Sequence[dict],
                          progress: Callable[[int], Any] | None = None) -> list[dict]:
        return self.push("push_interactions", records, progress)

    def push_tickets(self, records: Sequence[dict], progress: Callable[[int], Any] | None = None) -> list[dict]:
        return self.push("push_tickets", records, progress)

    def push(self, operation: str, records: Sequence[dict],
             progress: Callable[[int], Any] | None = None) -> list[dict]:
        """Send ``records`` in batches; one result per record, in order.

        Records whose key the state already holds are not sent again (their
        stored result is returned); records the schema refuses are not sent.
        ``progress(n)`` is called as records are settled.
        """
        spec = schemas.RECORD_OPERATIONS[operation]
        results: list[dict | None] = [None] * len(records)
        pending = []
        for index, record in enumerate(records):
            key = record.get("idempotency_key") if isinstance(record, dict) else None
            if isinstance(key, str) and key in self.state.results:
                results[index] = self.state.results[key]
                continue
            try:
                schemas.validate_record(spec, record, index)
            except FusionError as exc:
                results[index] = schemas.error_result(record, exc)
                continue
            pending.append(index)
        if progress and len(records) > len(pending):
            progress(len(records) - len(pending))
        for start in range(0, len(pending), self.batch_size):
            chunk = pending[start:start + self.batch_size]
            answered = self._send(operation, records, chunk)
            for index, result in answered.items():
                results[index] = result
            self.state.remember(list(answered.values()))
            self.state.save()
            if progress:
                progress(len(chunk))
        return results  # type: ignore[return-value]

    def _send(self, operation: str, records: Sequence[dict], indexes: list[int]) -> dict[int, dict]:
        """{index: result} of one batch; records that lost a race are sent again, with backoff.

        A record answered with a retryable ``conflict`` met another client
        writing the same key or external id: sent again, it is replayed or
        updated. It keeps its ``conflict`` once the retry policy is spent.
        """
        results: dict[int, dict] = {}
        delays = self.retry.delays()
        while indexes:
            response = self.call(operation, [records[index] for index in indexes])
            results.update(zip(indexes, response["results"]))
            indexes = [index for index in indexes if _is_retryable(results[index])]
            delay = next(delays, None) if indexes else None
            if delay is None:
                break
            self.sleep(delay)
        return results

    def watch_products(self, product_codes: Sequence[str], watch: bool = True) -> list[dict]:
        results = []
        for start in range(0, len(product_codes), self.batch_size):
            results += self.call("watch_products", list(product_codes[start:start + self.batch_size]), watch)["results"]
        return results

    def changes(self, cursor: str | None = None, limit: int = 200) -> dict:
        """One page of the changes feed from ``cursor`` (default: the state's); the state keeps the next."""
        response = self.call("changes", self.state.cursor if cursor is None else cursor, limit)
        self.state.cursor = response["cursor"]
        self.state.save()
        return response

    def follow_changes(self, *, limit: int = 200, interval: float = 30.0, max_polls: int | None = None
                       ) -> Iterator[dict]:
        """Yield changes as they come: pages back to back while ``more``, then every ``interval`` s.

        Bounded by ``max_polls`` calls when given; the cursor is saved after each page.
        """
        polls = 0
        while max_polls is None or polls < max_polls:
            response = self.changes(limit=limit)
            polls += 1
            yield from response["changes"]
            if not response["more"] and (max_polls is None or polls < max_polls):
                self.sleep(interval)


def _is_retryable(result: dict) -> bool:
    """Whether a record's result is a race lost to another client, worth sending again."""
    error = result.get("error") or {}
    return error.get("code") == "conflict" and bool((error.get("details") or {}).get("retryable"))


def _with_retries(action: Callable[[], Any], retry: RetryPolicy, sleep: Callable[[float], None]) -> Any:
    delays = retry.delays()
    while True:
        try:
            return action()
        except Exception as exc:
            if not is_transient(exc):
                raise
            delay = next(delays, None)
            if delay is None:
                raise
            sleep(delay)
