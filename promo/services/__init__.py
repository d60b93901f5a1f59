"""The engine's operations, one short transaction per call, all sharing one UnitOfWork."""
