"""Signed claim packages (.tsclaim): the deterministic builder, the strict ZIP profile, the
bureau's offline verifier, its key registry and its ledger. See docs/claim-package.md.

Below core: imports only errors, i18n, rules (ID checks) and, for the ledger's SQL,
storage.ledger. No Qt, no Desk."""
