"""Shared test kits (fixtures' helpers, seeded data, real servers), imported as
``from tests.support.<kit> import ...`` by any test folder."""
