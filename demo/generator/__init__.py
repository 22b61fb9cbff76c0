"""Synthetic dossiers: a year of a town's one-stop desks, for the demo and the benchmarks.

The row logic is pure: it takes plain references (`world`: unit and procedure ids, time
limits, the working calendar) and returns plain dicts keyed by model attribute names, with
every time computed by `core.workdays`. `from_database` builds the references from the
units, users and catalogue; `days` spreads the filings over the year; `filings` places
each one at a desk and an instant; `simulation` plans its whole life and `life` cuts it at
`now`, so recent dossiers are naturally still open; `applicants` and `rates` hold who
files and how often things happen. `bulk` writes the rows with bulk_create on any
database (the demo), `copy_rows` with PostgreSQL's COPY (the benchmark's million).
Deterministic for a given world, `now` and seed.
"""
