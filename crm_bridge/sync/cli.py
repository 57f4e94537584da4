"""Command line of the CRM bridge: push a CRM export into Odoo, follow the changes feed.

    python -m crm_bridge push leads export.csv --map "Company=partner_name" --state push.json
    python -m crm_bridge push orders orders.json --dry-run
    python -m crm_bridge changes --follow --interval 30 --state feed.json
    python -m crm_bridge watch WID-1 WID-2
    python -m crm_bridge version

Connection: --url/$ODOO_URL, --db/$ODOO_DB, --login/$ODOO_USER, and the API key in the
environment variable named by --api-key-env (default ODOO_API_KEY), never on the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from tqdm import tqdm

from crm_bridge.contract import schemas
from crm_bridge.contract.errors import FusionError
from crm_bridge.sync.client import BridgeCallError, BridgeClient, BridgeState
from crm_bridge.sync.export import KIND_OPERATIONS, push_export, read_export, summarize


def _column_map(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep:
            raise SystemExit(f"--map expects EXPORT_COLUMN=payload_key, got {pair!r}")
        mapping[source.strip()] = target.strip()
    return mapping


def _client(args: argparse.Namespace) -> BridgeClient:
    missing = [name for name in ("url", "db", "login") if not getattr(args, name)]
    api_key = os.environ.get(args.api_key_env)
    if missing or not api_key:
        raise SystemExit(f"missing connection settings: {', '.join(missing + ([] if api_key else [args.api_key_env]))}")
    return BridgeClient.connect(args.url, args.db, args.login, api_key, state=BridgeState(args.state),
                                batch_size=args.batch_size)


def command_push(args: argparse.Namespace) -> int:
    records = read_export(args.kind, args.file, _column_map(args.map))
    if args.dry_run:
        spec = schemas.RECORD_OPERATIONS[KIND_OPERATIONS[args.kind]]
        results = []
        for index, record in enumerate(records):
            try:
                schemas.validate_record(spec, record, index)
                results.append({"external_id": record.get("external_id"), "status": "valid"})
            except FusionError as exc:
                results.append(schemas.error_result(record, exc))
    else:
        client = _client(args)
        with tqdm(total=len(records), unit="record", desc=f"push {args.kind}", file=sys.stderr) as bar:
            results = push_export(client, args.kind, records, bar.update)
    counts = summarize(results)
    print(" ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "nothing to push")
    for result in results:
        if result["status"] == "error":
            error = result["error"]
            print(f"error {result['external_id']}: {error['code']} {error['field'] or ''} {error['message']}",
                  file=sys.stderr)
    return 1 if counts.get("error") else 0


def command_changes(args: argparse.Namespace) -> int:
    client = _client(args)
    polls = args.max_polls if args.follow else 1
    for change in client.follow_changes(limit=args.limit, interval=args.interval, max_polls=polls):
        print(json.dumps(change, ensure_ascii=False), flush=True)
    return 0


def command_watch(args: argparse.Namespace) -> int:
    results = _client(args).watch_products(args.codes, watch=not args.stop)
    for result in results:
        print(f"{result['product_code']}: {result['status']}"
              + (f" ({result['error']['message']})" if result["error"] else ""))
    return 1 if any(result["error"] for result in results) else 0


def command_version(args: argparse.Namespace) -> int:
    print(json.dumps(_client(args).api_version()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crm_bridge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("ODOO_URL"))
    parser.add_argument("--db", default=os.environ.get("ODOO_DB"))
    parser.add_argument("--login", default=os.environ.get("ODOO_USER"))
    parser.add_argument("--api-key-env", default="ODOO_API_KEY", help="environment variable holding the API key")
    parser.add_argument("--state", help="JSON file keeping acknowledged results and the feed cursor (resumable)")
    parser.add_argument("--batch-size", type=int, default=schemas.MAX_BATCH)
    sub = parser.add_subparsers(dest="command", required=True)
    push = sub.add_parser("push", help="push a CSV or JSON export")
    push.add_argument("kind", choices=sorted(KIND_OPERATIONS))
    push.add_argument("file")
    push.add_argument("--map", action="append", default=[], metavar="COLUMN=KEY", help="rename an export column")
    push.add_argument("--dry-run", action="store_true", help="validate only, send nothing")
    push.set_defaults(func=command_push)
    changes = sub.add_parser("changes", help="print the changes feed as JSON lines")
    changes.add_argument("--follow", action="store_true", help="keep polling")
    changes.add_argument("--interval", type=float, default=30.0, help="seconds between polls when idle")
    changes.add_argument("--max-polls", type=int, default=None, help="stop after this many polls")
    changes.add_argument("--limit", type=int, default=200)
    changes.set_defaults(func=command_changes)
    watch = sub.add_parser("watch", help="follow products' availability in the feed")
    watch.add_argument("codes", nargs="+", metavar="PRODUCT_CODE")
    watch.add_argument("--stop", action="store_true", help="stop watching instead")
    watch.set_defaults(func=command_watch)
    sub.add_parser("version", help="the server's API version").set_defaults(func=command_version)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BridgeCallError as exc:
        print(f"refused: {exc.code}: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
