"""Data generator and benchmarks. Not part of the test run.

- `python -m bench.generate --scale 1` fills the database with a city-sized data set (see its docstring).
- `python -m bench.accounts session bench-member@example.org` prints a logged-in session key for a load
  tool's cookie; `bench.accounts.session_key(email)` does the same from Python.
"""

BENCH_PASSWORD = "bench-2026"
BENCH_MEMBER = "bench-member@example.org"
BENCH_ORG_ADMIN = "bench-orgadmin@example.org"
BENCH_COORDINATOR = "bench-coordinator@example.org"
# A fixed TOTP secret (base32) for the bench coordinator, so a load tool can compute codes if it must log
# in through the forms; the session helper in bench.accounts needs no code.
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BENCH_EMAIL_DOMAIN = "bench.example.org"
