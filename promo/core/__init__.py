"""Pure calculation over frozen values in integer minor units: no storage, no web (see docs/architecture.md)."""
