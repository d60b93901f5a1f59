"""``flask promo ...``: the terminal side of promoshop."""
