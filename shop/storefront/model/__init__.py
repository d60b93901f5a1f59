"""View models: what the storefront pages show, read through the Engine and shaped for the
templates (templates get data; they do not call the engine)."""
