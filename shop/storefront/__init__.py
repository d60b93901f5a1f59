"""The shopper's side: catalogue, cart, checkout, wallet, account, orders and share pages.

Blueprints here import view models from ``shop.storefront.model`` and web helpers from
``shop.web``, never each other.
"""
