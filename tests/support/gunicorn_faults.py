"""gunicorn settings of the crash tests' deployment: every worker installs the fault injector
(tests/support/promo_faults.py) at promo's checkpoints before it loads the app. It stays inert unless
the test sets PROMOSHOP_FAULT_INJECTION=1 and a PROMOSHOP_FAULT_POINT."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the repository root, for tests.support


def post_fork(server, worker):
    from tests.support import promo_faults

    promo_faults.install()
