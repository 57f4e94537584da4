"""The bridge's ``recommend`` query: checked before anything is read."""

import pytest

from crm_bridge.contract.errors import ValidationError
from crm_bridge.contract.recommend_query import MAX_BASKET, validate_recommend_query


def test_a_partner_a_basket_or_both():
    assert validate_recommend_query(7, False).partner_id == 7
    query = validate_recommend_query(False, [3, 4, 3], 5)
    assert (query.partner_id, query.product_ids, query.limit) == (None, (3, 4), 5)
    assert validate_recommend_query(7, [3]).product_ids == (3,)


@pytest.mark.parametrize(("partner_id", "product_ids", "limit", "code", "field"), [
    ("7", False, 10, "invalid_type", "partner_id"),
    (True, False, 10, "invalid_type", "partner_id"),
    (7, [1, "2"], 10, "invalid_type", "product_ids"),
    (7, [0], 10, "invalid_type", "product_ids"),
    (7, "1,2", 10, "invalid_type", "product_ids"),
    (7, list(range(1, MAX_BASKET + 2)), 10, "batch_too_large", "product_ids"),
    (7, False, 0, "invalid_value", "limit"),
    (7, False, 51, "invalid_value", "limit"),
    (False, [], 10, "missing_field", "partner_id"),
])
def test_bad_queries_are_refused_with_a_structured_error(partner_id, product_ids, limit, code, field):
    with pytest.raises(ValidationError) as caught:
        validate_recommend_query(partner_id, product_ids, limit)
    assert (caught.value.code, caught.value.field) == (code, field)
