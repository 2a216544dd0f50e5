"""Peak memory of this process, for the benchmark children."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """The process's own peak resident size in MB. On Linux VmHWM from /proc: unlike
    ru_maxrss it is not inherited across exec from a bigger parent (run.py)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
