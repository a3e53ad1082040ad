"""Test-only failpoints: ``CHIDAO_FAILPOINT=NAME[:N]`` makes the process SIGKILL itself at a named point.

Used by the ingest pipeline and the index writer so that the fault-injection tests can kill a real
``chidao ingest`` at exact moments (see tests/test_faults.py).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

#: Test-only hook: ``CHIDAO_FAILPOINT=NAME`` (or ``NAME:N``, the N-th time) makes the process
#: SIGKILL itself at the named point of an ingest; see ``failpoint``.
FAILPOINT_ENV = "CHIDAO_FAILPOINT"
#: With this set to a file path, a hit failpoint waits until that file exists instead of killing.
FAILPOINT_RELEASE_ENV = "CHIDAO_FAILPOINT_RELEASE"


_failpoint_hits: dict[str, int] = {}


def failpoint(name: str) -> None:
    """Test-only: SIGKILL this process at the point ``name`` when ``$CHIDAO_FAILPOINT`` asks for it.

    ``CHIDAO_FAILPOINT=NAME`` fires on the first pass through the point, ``NAME:N`` on the N-th.
    With ``$CHIDAO_FAILPOINT_RELEASE`` set to a path, the process instead creates ``PATH.waiting``
    and waits there until ``PATH`` exists (a test holding a writer mid-ingest). A no-op when the
    variable is unset.
    """
    spec = os.environ.get(FAILPOINT_ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _failpoint_hits[name] = hits = _failpoint_hits.get(name, 0) + 1
    if hits != int(nth or 1):
        return
    release = os.environ.get(FAILPOINT_RELEASE_ENV)
    if release:
        Path(release + ".waiting").touch()  # tells the test the writer is parked here
        while not os.path.exists(release):
            time.sleep(0.02)
        return
    os.kill(os.getpid(), signal.SIGKILL)
