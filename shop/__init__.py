"""The Flask side of promoshop: blueprints, extensions and HTTP error handling.

The promotion engine lives in ``promo/`` and never imports anything from here.
"""
