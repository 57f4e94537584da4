import math
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression

from crm_bridge.promise.calendar import WorkingCalendar
from crm_bridge.promise.engine import Capacity, ProductSupply, PromiseEngine

# Stock moves still to happen (Odoo's forecast counts the same states).
OPEN_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    fusion_lines_per_day = fields.Integer(
        string="Shipping capacity (lines/day)",
        help="Delivery lines this warehouse can ship per working day; 0 means unlimited.",
    )
    fusion_calendar_id = fields.Many2one(
        "resource.calendar", string="Shipping calendar",
        domain="[('company_id', 'in', [company_id, False])]",
        help="Working days and public holidays of the warehouse; empty: the company's working hours.",
    )

    def _get_fusion_calendar(self, today):
        """The shipping calendar for the core: working weekdays, and the global leaves from ``today`` as holidays."""
        self.ensure_one()
        calendar = self.fusion_calendar_id or self.company_id.resource_calendar_id
        if not calendar:
            return WorkingCalendar()
        workdays = {int(attendance.dayofweek) for attendance in calendar.attendance_ids
                    if not attendance.display_type}
        leaves = self.env["resource.calendar.leaves"].search_read(
            [("calendar_id", "in", [calendar.id, False]), ("resource_id", "=", False),
             ("company_id", "in", [self.company_id.id, False]),
             ("date_to", ">=", datetime.combine(today, time.min))],
            ["date_from", "date_to"],
        )
        tz = pytz.timezone(calendar.tz or "UTC")
        holidays = set()
        for leave in leaves:
            first = pytz.utc.localize(leave["date_from"]).astimezone(tz).date()
            # A leave ending at midnight does not close that day.
            last = (pytz.utc.localize(leave["date_to"]).astimezone(tz) - timedelta(seconds=1)).date()
            holidays.update(first + timedelta(days=i) for i in range(max((last - first).days + 1, 0)))
        return WorkingCalendar(workdays or range(5), holidays)

    def _get_fusion_move_domains(self, exclude_order_ids=()):
        """(quant, incoming move, outgoing move) domains of the warehouse.

        The moves of ``exclude_order_ids`` are left out.
        """
        self.ensure_one()
        quant_domain, in_domain, out_domain = self.env["product.product"].with_context(
            warehouse_id=self.id)._get_domain_locations()
        open_moves = [("state", "in", OPEN_MOVE_STATES)]
        if exclude_order_ids:
            open_moves += ["|", ("sale_line_id", "=", False),
                           ("sale_line_id.order_id", "not in", list(exclude_order_ids))]
        return quant_domain, expression.AND([open_moves, in_domain]), expression.AND([open_moves, out_domain])

    def _get_fusion_free_qty(self, products, exclude_order_ids=()):
        """{product id: free stock in the warehouse}, in the product's unit.

        The reservations of ``exclude_order_ids`` are freed.
        """
        self.ensure_one()
        quant_domain, _in_domain, out_domain = self._get_fusion_move_domains()
        free = defaultdict(float)
        for product, quantity, reserved in self.env["stock.quant"]._read_group(
            expression.AND([[("product_id", "in", products.ids)], quant_domain]),
            ["product_id"], ["quantity:sum", "reserved_quantity:sum"],
        ):
            free[product.id] = quantity - reserved
        if exclude_order_ids:  # an order being re-checked competes not with its own reservations
            for product, uom, quantity in self.env["stock.move"]._read_group(
                expression.AND([[("product_id", "in", products.ids),
                                 ("sale_line_id.order_id", "in", list(exclude_order_ids))], out_domain]),
                ["product_id", "product_uom"], ["quantity:sum"],
            ):
                free[product.id] += quantity / uom.factor * product.uom_id.factor
        return free

    def _get_fusion_dated_moves(self, products, exclude_order_ids=()):
        """{product id: [(day, qty)]}: receipts (+) and deliveries (-) not done yet, per day, in the product's unit."""
        self.ensure_one()
        _quant_domain, in_domain, out_domain = self._get_fusion_move_domains(exclude_order_ids)
        moves = defaultdict(list)
        for domain, sign in ((in_domain, 1.0), (out_domain, -1.0)):
            for product, day, qty in self.env["stock.move"]._read_group(
                expression.AND([[("product_id", "in", products.ids)], domain]),
                ["product_id", "date:day"], ["product_qty:sum"],
            ):
                moves[product.id].append((_as_date(day), sign * qty))
        return moves

    def _get_fusion_capacity(self, today, exclude_order_ids=()):
        """Shipping capacity: lines per working day, minus the outgoing moves already booked per day.

        A move dated before ``today`` is late: it still ships, and books today
        (as the promise core counts it against the stock).
        """
        self.ensure_one()
        _quant_domain, _in_domain, out_domain = self._get_fusion_move_domains(exclude_order_ids)
        booked = defaultdict(lambda: (0, 0.0))
        if self.fusion_lines_per_day:
            for day, count, qty in self.env["stock.move"]._read_group(
                out_domain, ["date:day"], ["__count", "product_qty:sum"],
            ):
                day = max(_as_date(day), today)
                booked[day] = (booked[day][0] + count, booked[day][1] + qty)
        return Capacity(self._get_fusion_calendar(today), self.fusion_lines_per_day or None, None, dict(booked))

    def _get_fusion_supplies(self, products, exclude_order_ids=()):
        """One ``ProductSupply`` per product: free stock, dated moves, replenishment and customer lead times."""
        self.ensure_one()
        company = self.company_id
        free = self._get_fusion_free_qty(products, exclude_order_ids)
        moves = self._get_fusion_dated_moves(products, exclude_order_ids)
        replenish = products._get_fusion_replenish_lead_days(company)
        return [
            ProductSupply(
                product.id,
                free.get(product.id, 0.0),
                moves.get(product.id, ()),
                replenish.get(product.id),
                math.ceil(product.sale_delay) + company.fusion_buffer_days,
                product._get_fusion_promise_kind(),
                product.uom_id.name,
            )
            for product in products
        ]

    def _get_fusion_promise_engine(self, products, today, exclude_order_ids=()):
        """The promise core loaded with this warehouse's state for ``products``."""
        self.ensure_one()
        return PromiseEngine(
            self._get_fusion_supplies(products, exclude_order_ids),
            self._get_fusion_capacity(today, exclude_order_ids),
            today,
        )


def _as_date(day):
    """A ``date:day`` group key as a date (Odoo gives a datetime for datetime fields)."""
    return day.date() if isinstance(day, datetime) else day
