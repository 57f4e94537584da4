"""The only code that talks to Odoo: one small interface, two ways in.

``OrmBackend`` runs inside Odoo on an ``env`` (addons, scheduled actions,
loaders); ``RpcBackend`` runs outside over JSON-RPC/XML-RPC with an
``odoorpc`` client (external CRMs, the main job pointed at a live Odoo). Both
use public model methods only and return the same plain shapes (many2ones read
by :meth:`~OdooBackend.read` are bare ids or ``False``), so mapping code
written once serves both. Whose rights a read runs with is the backend's:
the ``env`` given to ``OrmBackend`` (e.g. ``env(su=True)``), the logged-in
user of ``RpcBackend``.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["OdooBackend", "OrmBackend", "RpcBackend"]


class OdooBackend(Protocol):
    def create(self, model: str, vals_list: list[dict], context: dict | None = None) -> list[int]: ...

    def call(self, model: str, method: str, ids: list[int], *args: Any, context: dict | None = None) -> Any: ...

    def search(self, model: str, domain: list, *, order: str = "id", context: dict | None = None) -> list[int]: ...

    def read(self, model: str, ids: list[int], fields: list[str], context: dict | None = None) -> list[dict]: ...

    def search_read(self, model: str, domain: list, fields: list[str], *, limit: int | None = None,
                    offset: int = 0, order: str | None = None, context: dict | None = None) -> list[dict]: ...

    def read_group(self, model: str, domain: list, fields: list[str], groupby: list[str]) -> list[dict]: ...

    def has_model(self, model: str) -> bool: ...

    def field_names(self, model: str) -> set[str]: ...

    def user_company_id(self) -> int: ...

    def ref(self, xmlid: str) -> int: ...


class OrmBackend:
    """In-process backend on an Odoo ``env``."""

    def __init__(self, env: Any) -> None:
        self.env = env

    def _model(self, model: str, context: dict | None):
        return self.env[model].with_context(**(context or {}))

    def create(self, model, vals_list, context=None):
        return self._model(model, context).create(vals_list).ids

    def call(self, model, method, ids, *args, context=None):
        return getattr(self._model(model, context).browse(ids), method)(*args)

    def search(self, model, domain, *, order="id", context=None):
        return self._model(model, context).search(domain, order=order).ids

    def read(self, model, ids, fields, context=None):
        return self._model(model, context).browse(ids).read(fields, load=None)

    def search_read(self, model, domain, fields, *, limit=None, offset=0, order=None, context=None):
        return self._model(model, context).search_read(domain, fields, offset=offset, limit=limit, order=order)

    def read_group(self, model, domain, fields, groupby):
        return self.env[model].read_group(domain, fields, groupby, lazy=False)

    def has_model(self, model):
        return model in self.env

    def field_names(self, model):
        return set(self.env[model]._fields)

    def user_company_id(self):
        return self.env.company.id

    def ref(self, xmlid):
        return self.env.ref(xmlid).id


class RpcBackend:
    """Backend over RPC with an ``odoorpc.ODOO`` client already logged in."""

    # Records per ``read`` call: bounded answers over the wire (the ORM backend reads in one call).
    PAGE = 2000

    def __init__(self, client: Any) -> None:
        self.client = client

    def _kw(self, context: dict | None, **kwargs: Any) -> dict:
        kwargs["context"] = dict(self.client.env.context, **(context or {}))
        return kwargs

    def create(self, model, vals_list, context=None):
        ids = self.client.execute_kw(model, "create", [vals_list], self._kw(context))
        return ids if isinstance(ids, list) else [ids]

    def call(self, model, method, ids, *args, context=None):
        return self.client.execute_kw(model, method, [ids, *args], self._kw(context))

    def search(self, model, domain, *, order="id", context=None):
        return self.client.execute_kw(model, "search", [domain], self._kw(context, order=order))

    def read(self, model, ids, fields, context=None):
        rows: list[dict] = []
        for start in range(0, len(ids), self.PAGE):
            rows += self.client.execute_kw(model, "read", [ids[start:start + self.PAGE], fields],
                                           self._kw(context, load=None))
        return rows

    def search_read(self, model, domain, fields, *, limit=None, offset=0, order=None, context=None):
        options = self._kw(context, offset=offset)
        if limit:
            options["limit"] = limit
        if order:
            options["order"] = order
        return self.client.execute_kw(model, "search_read", [domain, fields], options)

    def read_group(self, model, domain, fields, groupby):
        return self.client.execute_kw(model, "read_group", [domain, fields, groupby], {"lazy": False})

    def has_model(self, model):
        return bool(self.client.execute_kw("ir.model", "search_count", [[("model", "=", model)]]))

    def field_names(self, model):
        return set(self.client.execute_kw(model, "fields_get", [], {"attributes": ["type"]}))

    def user_company_id(self):
        return self.client.env.user.company_id.id

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        rows = self.client.execute_kw(
            "ir.model.data", "search_read", [[("module", "=", module), ("name", "=", name)], ["res_id"]]
        )
        return rows[0]["res_id"]
