"""Conditions on one line's quantity over HTTP (docs/api.md, "Conditions on one line"): three
of the same bag qualify, three different bags do not, and the near miss asks for more of the
same item."""

STOCK_UP = {"id": "stock-up", "name": "Three of the same bag", "kind": "promotion",
            "eligibility": {"fact": "cart.line_quantity", "items": {"categories": ["arabica"]}, "gte": 3},
            "effect": {"type": "amount_off_order", "amount": 500}}


def bag(sku: str, quantity: int) -> dict:
    return {"sku": sku, "name": sku.title(), "unit_price": 1950, "quantity": quantity, "categories": ["arabica"]}


def test_three_of_one_bag_qualify_and_three_different_bags_do_not(api):
    api.ok("POST", "/campaigns", 201, json=STOCK_UP)

    same = api.ok("POST", "/validations", key="read", json={"order": {"items": [bag("ARA-ETH-YIRG", 3)]}})
    mixed = api.ok("POST", "/validations", key="read", json={"order": {"items": [
        bag("ARA-ETH-YIRG", 1), bag("ARA-KEN-NYERI", 1), bag("ARA-PAN-GEISHA", 1)]}})

    assert same["discount"] == 500
    assert same["offers"][0]["message"] == "Applied: you save $5.00."
    assert mixed["discount"] == 0
    offer = mixed["offers"][0]
    assert (offer["status"], offer["reason"]) == ("not_applicable", "minimum_not_met")
    assert offer["hint"]["message"] == "Add 2 more of the same item from Arabica to get $5 off"
    assert offer["hint"]["missing_quantity"] == 2
    assert offer["hint"]["progress"] == 0.3333
