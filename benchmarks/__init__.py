"""digled benchmarks: run with `python benchmarks/run.py` (see run.py); workload.py is shared with tests/test_reliability.py."""
