"""`make bench`: the project's benchmarks. Each prints its figures and writes var/bench/<name>.json."""
