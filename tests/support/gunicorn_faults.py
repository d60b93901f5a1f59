"""gunicorn settings of the hardening tests' deployment: every worker installs the fault injector
(tests/support/promo_faults.py) at promo's checkpoints before it serves a request. It stays inert
unless the test sets PROMOSHOP_FAULT_INJECTION=1 and a PROMOSHOP_FAULT_POINT.

The app is preloaded: the master imports and builds it once and each worker is a fork of it.
Importing the app costs about 2.5 s of CPU, and a crash trial SIGKILLs a worker a dozen times or
more, each of which gunicorn replaces; a fork is near free. create_app opens no database
connection (the pool starts empty), so the workers share none, and `random` reseeds itself in
every forked worker, so the injector's rate stays independent per worker."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository root, for tests.support

preload_app = True


def post_fork(server, worker):
    from tests.support import promo_faults

    promo_faults.install()
