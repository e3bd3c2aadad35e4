"""The placement compliance checks, registered with `apdash.checks`. Each is
`run_<check>(now) -> list[CheckResult]`: set-based queries, then `flags_sync`."""
