"""Screenshots of the suite's key views, per role and language, for a reviewer (issue 11).

Against a running Odoo with the suite and the demo company (``make odoo``)::

    python tools/screenshots.py --url http://127.0.0.1:8069 --db fusion_demo --out var/screenshots

It makes (or reuses) one user per role (admin, a sales manager who approves, a
salesperson with rights on their own documents, a support agent), installs
Spanish when missing, and for each role and language (en, es) opens the views
that role uses in a real headless Chromium at 1440x1000, through the Chrome
DevTools protocol (``websocket-client``), after logging in through Odoo's own
login form. The images are named ``<lang>-<role>-<view>.png``; it makes its own records to look at (two
quotations of the salesperson over the discount maximum, one with approval requested and one with suggested lines;
a quotation in a warehouse without the stock another warehouse has; a Spanish double-charge complaint for the
agent, escalated). Each view's load time is printed; a page showing an error, or a quotation whose lines table
scrolls sideways, is listed at the end and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import xmlrpc.client
from pathlib import Path

import requests
import websocket

LANGS = {"en": "en_US", "es": "es_ES"}
PASSWORD = "screenshots"
# What the web client shows when something went wrong: an error dialog, or assets that failed to load.
ERRORS = ".o_error_dialog, .o_module_error"
# What a person would stumble on without an error: a list wider than its box (it scrolls sideways), a view's
# own list or one inside a form.
WIDE_LISTS = ("Array.from(document.querySelectorAll('.o_list_renderer'))"
              ".filter((box) => box.offsetParent && box.scrollWidth > box.clientWidth + 1)"
              ".map((box) => `the list ${box.closest('[name]')?.getAttribute('name') || 'of the view'}`"
              " + ` scrolls sideways `"
              " + `(${box.scrollWidth} px in ${box.clientWidth} px)`).join('; ')")
# role -> (login, name, groups): the least each role needs.
ROLES = {
    "manager": ("shot_manager", "Marta Manager",
                ["sales_team.group_sale_manager", "fusion_base.group_fusion_manager"]),
    "salesperson": ("shot_salesperson", "Sergio Salesperson", ["sales_team.group_sale_salesman"]),
    "agent": ("shot_agent", "Ana Agent", ["helpdesk_mgmt.group_helpdesk_user"]),
}


class Odoo:
    """A few XML-RPC calls as admin."""

    def __init__(self, url: str, db: str, login: str, password: str) -> None:
        self.url, self.db, self.password = url, db, password
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"cannot log in to {url} ({db}) as {login}")
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args, **kwargs):
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid: str) -> int:
        module, name = xmlid.split(".")
        found = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                          fields=["res_id"])
        return found[0]["res_id"] if found else 0


def prepare(odoo: Odoo) -> dict[str, int]:
    """Spanish installed, the role users there (password ``PASSWORD``); {role: user id}."""
    if not odoo.call("res.lang", "search", [("code", "=", "es_ES"), ("active", "=", True)]):
        wizard = odoo.call("base.language.install", "create", {"lang_ids": [(6, 0, odoo.call(
            "res.lang", "search", [("code", "=", "es_ES"), ("active", "=", False)]))]})
        odoo.call("base.language.install", "lang_install", [wizard])
    users = {"admin": odoo.uid}
    for role, (login, name, groups) in ROLES.items():
        group_ids = [odoo.ref(group) for group in ["base.group_user", *groups] if odoo.ref(group)]
        found = odoo.call("res.users", "search", [("login", "=", login)])
        values = {"name": name, "login": login, "password": PASSWORD, "email": f"{login}@example.com",
                  "groups_id": [(6, 0, group_ids)]}
        if found:
            odoo.call("res.users", "write", found, values)
            users[role] = found[0]
        else:
            users[role] = odoo.call("res.users", "create", values)
    return users


def web_prefix(url: str) -> str:
    """The web client's prefix: ``/odoo`` in Odoo 18, another word in a rebranded build (where ``/`` leads)."""
    location = requests.get(f"{url}/", allow_redirects=False, timeout=60).headers.get("Location", "/odoo")
    return "/" + location.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0].split("/", 1)[0]


def quotation_for_approval(url: str, db: str, odoo: Odoo) -> tuple[int, int]:
    """Two quotations the salesperson made with a discount over the company's maximum: (new, approval requested).

    Made through XML-RPC as the salesperson (own-documents rights), as they would from the form; the second one's
    approval is requested through the request wizard, so the managers have an activity. Reused on later runs.
    """
    seller = Odoo(url, db, ROLES["salesperson"][0], PASSWORD)
    labels = ("Screenshots 1 new", "Screenshots 2 approval requested")
    made = {order["client_order_ref"]: order for order in seller.call(
        "sale.order", "search_read", [("client_order_ref", "in", labels), ("state", "in", ("draft", "sent"))],
        fields=["client_order_ref", "fusion_approval_requested_by_id"])}
    if len(made) < len(labels):
        company = odoo.call("res.users", "read", [odoo.uid], fields=["company_id"])[0]["company_id"][0]
        max_discount = odoo.call("res.company", "read", [company], fields=["fusion_max_discount"])[0][
            "fusion_max_discount"]
        product = odoo.call("product.product", "search", [("sale_ok", "=", True), ("is_storable", "=", True)],
                            order="list_price desc", limit=1)
        customer = odoo.call("res.partner", "search", [("customer_rank", ">", 0), ("is_company", "=", True)], limit=1)
        for label in set(labels) - set(made):
            order = seller.call("sale.order", "create", {
                # Their own order (a customer's own salesperson would otherwise become the order's)
                "partner_id": customer[0], "user_id": seller.uid, "client_order_ref": label,
                "order_line": [(0, 0, {"product_id": product[0], "product_uom_qty": 2, "discount": max_discount + 15})],
            })
            made[label] = {"id": order, "fusion_approval_requested_by_id": False}
    new, requested = (made[label] for label in labels)
    if not requested["fusion_approval_requested_by_id"]:
        # The manager reads Spanish when asked, so the activity is written in Spanish (each approver's activity is
        # in their language at the time of the request) and the Spanish screenshots show it so.
        manager = odoo.call("res.users", "search", [("login", "=", ROLES["manager"][0])])
        odoo.call("res.users", "write", manager, {"lang": "es_ES"})
        wizard = seller.call("fusion.promise.approval.request", "create",
                             {"order_id": requested["id"], "note": "A competitor offers the same discount."})
        seller.call("fusion.promise.approval.request", "action_request", [wizard])
    # The salesperson asks for suggested lines on the new one, as the "Suggest lines" button does.
    seller.call("sale.order", "action_fusion_suggest_lines", [new["id"]])
    return new["id"], requested["id"]


def warehouse_quotation(url: str, db: str, odoo: Odoo) -> int:
    """A quotation of the salesperson in a warehouse without the free stock another warehouse has, or 0.

    So that the order shows the better warehouse and why (fusion_routing_sale_promise). Reused on later runs.
    """
    seller = Odoo(url, db, ROLES["salesperson"][0], PASSWORD)
    label = "Screenshots 3 other warehouse"
    found = seller.call("sale.order", "search", [("client_order_ref", "=", label), ("state", "in", ("draft", "sent"))])
    if found:
        return found[0]
    warehouses = odoo.call("stock.warehouse", "search_read", [], fields=["lot_stock_id"])
    if len(warehouses) < 2:
        return 0
    free = {}  # product id -> {warehouse id: free quantity}
    for warehouse in warehouses:
        for product in odoo.call("product.product", "search_read", [("is_storable", "=", True), ("sale_ok", "=", True)],
                                 fields=["free_qty"], context={"warehouse_id": warehouse["id"]}):
            free.setdefault(product["id"], {})[warehouse["id"]] = product["free_qty"]
    customer = odoo.call("res.partner", "search", [("customer_rank", ">", 0), ("is_company", "=", True)], limit=1)
    # The products with the most stock in one warehouse and none in another, tried until one gets a proposal.
    candidates = sorted(((max(stock.values()), product, min(stock, key=stock.get)) for product, stock in free.items()
                         if min(stock.values()) <= 0 < max(stock.values())), reverse=True)
    for most, product, empty in candidates[:5]:
        order = seller.call("sale.order", "create", {
            "partner_id": customer[0], "user_id": seller.uid, "client_order_ref": label, "warehouse_id": empty,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": max(1, min(5, int(most)))})]})
        if seller.call("sale.order", "read", [order], fields=["fusion_proposed_warehouse_id"])[0][
                "fusion_proposed_warehouse_id"]:
            return order
        seller.call("sale.order", "unlink", [order])
    return 0


def spanish_complaint(odoo: Odoo, agent: int) -> int:
    """The agent's ticket: a valuable customer with a confirmed order writes, for the third time, about a double
    charge, and the ticket is escalated.

    Created once (the demo company has no tickets) as the mail gateway would, analysed on creation; when the
    analysis does not escalate it, the agent sets the urgency to high, as a person reading it would.
    """
    subject = "Cobro duplicado"
    found = odoo.call("helpdesk.ticket", "search", [("name", "like", subject)], order="id desc", limit=1)
    if found:
        return found[0]
    customers = odoo.call("res.partner", "search", [("customer_rank", ">", 0), ("is_company", "=", True)],
                          order="fusion_lifetime_value desc", limit=20)
    order = odoo.call("sale.order", "search_read", [("state", "=", "sale"), ("partner_id", "in", customers)],
                      fields=["name", "partner_id"], order="date_order desc", limit=1)[0]
    # The agent reads Spanish when it arrives, so the escalation's activity (written in its assignee's language
    # at the escalation) shows in Spanish in the Spanish screenshots.
    odoo.call("res.users", "write", [agent], {"lang": "es_ES"})
    ticket = odoo.call("helpdesk.ticket", "create", {
        "name": f"{subject} del pedido {order['name']}", "partner_id": order["partner_id"][0], "user_id": agent,
        "description": f"<p>Me habéis cobrado dos veces 45,90 € por el pedido {order['name']}. Es la tercera vez que "
                       "escribo y nadie me responde. Quiero que me devolváis el dinero ya.</p>",
    })
    for text in ("¿Hay novedades?", "Sigo esperando."):
        odoo.call("helpdesk.ticket", "message_post", [ticket], body=text, author_id=order["partner_id"][0],
                  message_type="comment")
    if not odoo.call("helpdesk.ticket", "read", [ticket], fields=["fusion_escalated"])[0]["fusion_escalated"]:
        print("the complaint was not escalated by its analysis: the agent sets its urgency to high")
        Odoo(odoo.url, odoo.db, ROLES["agent"][0], PASSWORD).call("helpdesk.ticket", "write", [ticket],
                                                                   {"fusion_urgency": "high"})
    return ticket


def views(odoo: Odoo, users: dict[str, int]) -> dict[str, list[tuple[str, str, str, str]]]:
    """{role: [(view name, path, what to click first or "", what to scroll into sight or "")]}: what each role opens.

    The settings are the admin's: a fusion manager without the Settings group may not open them. The price
    proposals are the managers'; the agent sees tickets only.
    """
    web = web_prefix(odoo.url)
    new, requested = quotation_for_approval(odoo.url, odoo.db, odoo)
    other_warehouse = warehouse_quotation(odoo.url, odoo.db, odoo)
    risky = odoo.call("fusion.churn.score", "search_read", [("risk_level", "=", "high")], fields=["partner_id"],
                      order="lifetime_value desc", limit=1)
    ticket_id = spanish_complaint(odoo, users["agent"])
    forecast = odoo.call("fusion.forecast", "search_read", [("kind", "=", "forecast")], fields=["product_tmpl_id"],
                         order="forecast_qty desc", limit=1)
    customer = f"{web}/customers/{risky[0]['partner_id'][0]}" if risky else f"{web}/customers"
    ticket = f"{web}/helpdesk-tickets/{ticket_id}"
    product = (f"{web}/action-stock.product_template_action_product/{forecast[0]['product_tmpl_id'][0]}"
               if forecast else f"{web}/action-stock.product_template_action_product")
    quotation = [("quotations", f"{web}/sales"), ("quotation-over-limit", f"{web}/sales/{new}"),
                 ("quotation-suggested-lines", f"{web}/sales/{new}", "a[name=fusion_suggestions]"),
                 ("quotation-approval-requested", f"{web}/sales/{requested}")]
    if other_warehouse:
        # The proposal sits with the delivery fields, in the "Other Info" tab.
        quotation.append(("quotation-other-warehouse", f"{web}/sales/{other_warehouse}", "a[name=other_information]",
                          "div[name=fusion_warehouse_proposal]"))
    else:
        print("no quotation gets a better warehouse: no product has free stock in one warehouse and none in another")
    customer_views = [("customer", customer),
                      ("customer-next-best-action", customer, "", "div[name=fusion_nba_action]")]
    ticket_views = [("ticket", ticket), ("ticket-context", ticket, "a[name=fusion_context]"),
                    ("ticket-reply", ticket, "a[name=fusion_context]", "div[name=fusion_reply_suggestion]"),
                    ("ticket-analysis", ticket, "a[name=fusion_analysis]")]
    plan = {
        "admin": [("settings", f"{web}/settings#fusion_base"),
                  ("price-proposals", f"{web}/action-fusion_pricing.action_fusion_price_proposal"),
                  ("product-forecast", product, "button[name=action_view_fusion_forecast]"),
                  *ticket_views[:1]],
        "manager": [("customers", f"{web}/customers"), *customer_views,
                    ("churn-graph", f"{web}/action-fusion_churn.action_fusion_churn_score"),
                    ("churn-pivot", f"{web}/action-fusion_churn.action_fusion_churn_score?view_type=pivot"),
                    *quotation,
                    ("price-proposals", f"{web}/action-fusion_pricing.action_fusion_price_proposal"),
                    ("product-forecast", product, "button[name=action_view_fusion_forecast]")],
        "salesperson": [*customer_views, *quotation],
        "agent": [("tickets", f"{web}/helpdesk-tickets"), *ticket_views],
    }
    return {role: [(view + ("", ""))[:4] for view in role_views] for role, role_views in plan.items()}


def session(url: str, db: str, login: str, password: str) -> str:
    """A session id from Odoo's login form."""
    http = requests.Session()
    page = http.get(f"{url}/web/login", params={"db": db}, timeout=60).text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    http.post(f"{url}/web/login", data={"login": login, "password": password, "csrf_token": token, "db": db},
              timeout=60)
    return http.cookies["session_id"]


class Browser:
    """Headless Chromium driven through the DevTools protocol."""

    def __init__(self, width: int = 1440, height: int = 1000) -> None:
        self.profile = tempfile.mkdtemp(prefix="fusion-shots-")
        port_file = Path(self.profile) / "DevToolsActivePort"
        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
             f"--window-size={width},{height}", "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={self.profile}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        target = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(item for item in target if item["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method: str, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")

    def shoot(self, url: str, cookie: str, path: Path, click: str = "", show: str = "", settle: float = 2.0) -> str:
        """Open ``url`` with the session ``cookie``, click ``click`` and scroll ``show`` into sight if given, save
        the picture at ``path``.

        Returns the error the page shows (an error dialog, assets that failed to load) or a lines table that
        scrolls sideways, or "" when none.
        """
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=cookie, url=url)
        self.send("Page.navigate", url=url)
        deadline = time.time() + 60
        # Ready when the web client has drawn an action and no request is pending, or shows an error.
        while time.time() < deadline and not self.evaluate(
                f"!!document.querySelector('{ERRORS}') || "
                "!!document.querySelector('.o_action_manager .o_view_controller, .o_action_manager .o_form_view')"
                " && !document.querySelector('.o_loading_indicator, .o-main-components-container .o_loading')"):
            time.sleep(0.3)
        time.sleep(settle)
        if click:  # a tab or button to open before the picture
            self.evaluate(f"document.querySelector({json.dumps(click)})?.click()")
            time.sleep(settle)
        if show:
            self.evaluate(f"document.querySelector({json.dumps(show)})?.scrollIntoView({{block: 'center'}})")
            time.sleep(0.5)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return self.evaluate(f"document.querySelector('{ERRORS}')?.innerText.slice(0, 300) || {WIDE_LISTS}")

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="fusion_demo")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--roles", default="admin,manager,salesperson,agent")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    odoo = Odoo(args.url, args.db, args.admin, args.admin_password)
    users = prepare(odoo)
    plan = views(odoo, users)
    logins = {"admin": (args.admin, args.admin_password), **{role: (login, PASSWORD)
                                                              for role, (login, _name, _groups) in ROLES.items()}}
    browser = Browser()
    errors: list[str] = []
    try:
        for lang, code in LANGS.items():
            for role in args.roles.split(","):
                odoo.call("res.users", "write", [users[role]], {"lang": code})
                cookie = session(args.url, args.db, *logins[role])
                for name, path, click, show in plan[role]:
                    target = out / f"{lang}-{role}-{name}.png"
                    started = time.perf_counter()
                    error = browser.shoot(args.url + path, cookie, target, click, show)
                    print(f"{target}  ({time.perf_counter() - started:.1f} s)", flush=True)
                    if error:
                        errors.append(f"{target}: {' '.join(error.split())}")
        odoo.call("res.users", "write", [users[role] for role in args.roles.split(",")], {"lang": "en_US"})
    finally:
        browser.close()
    for error in errors:
        print(f"ERROR shown on {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
