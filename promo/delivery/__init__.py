"""What leaves a transaction: outbox events and their listeners, tracked customer events,
distribution rules, webhook deliveries and the worker that runs them. `wiring.install()`
registers the engine's listeners (the Engine calls it)."""
