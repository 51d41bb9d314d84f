"""Benchmark and load harness (`make bench`, `make load`); see README, "Performance"."""
