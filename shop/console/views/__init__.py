"""The console's routes, one module per area, all on ``shop.console.bp``."""
