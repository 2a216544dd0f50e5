"""The bureau's ledger of accepted claim packages: the rules (replay, rollback, fork, double
claim); the SQL is in skilldesk/storage/ledger.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from skilldesk.package import codes as c
from skilldesk.rules.identifiers import mask_id_number
from skilldesk.storage.ledger import LedgerStore


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Ledger:
    def __init__(self, store: LedgerStore) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> "Ledger":
        return cls(LedgerStore.open(Path(path), create=create))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def check(self, result) -> list[tuple[str, str]]:
        """Ledger errors for a package that passed every other check (VerifyResult)."""
        manifest, sha = result.manifest, result.manifest_sha256
        uscc = manifest["institution"]["uscc"]
        if self.store.has_manifest(sha):
            return [(c.E_REPLAY, f"manifest {sha[:16]}…")]
        errors = []
        last = self.store.last(uscc)
        if last is not None:
            last_seq, last_sha = last
            if manifest["seq"] <= last_seq:
                return [(c.E_ROLLBACK, f"sequence {manifest['seq']}, last accepted {last_seq}")]
            if manifest["prev_manifest_sha256"] != last_sha:
                errors.append((c.E_FORK, f"previous manifest "
                                         f"{(manifest['prev_manifest_sha256'] or 'none')[:16]}, "
                                         f"last accepted {last_sha[:16]}"))
        supersedes = manifest["claim"]["supersedes"]
        hits = self.store.claims_of([claim[:3] for claim in result.claimed])
        for id_number, project, period, other_uscc, claim_no, _sha in hits:
            if other_uscc == uscc and supersedes is not None and claim_no == supersedes:
                continue   # a corrected version replaces the claim it supersedes
            errors.append((c.E_DOUBLE_CLAIM, f"{mask_id_number(id_number)} for {project} "
                                             f"{period or ''} already in claim {claim_no} of "
                                             f"{other_uscc}".replace("  ", " ")))
        return errors

    def accept(self, result) -> None:
        """Record a valid package (verified with this ledger)."""
        manifest = result.manifest
        self.store.insert({
            "manifest_sha256": result.manifest_sha256,
            "uscc": manifest["institution"]["uscc"],
            "institution": manifest["institution"]["name"],
            "seq": manifest["seq"], "prev_manifest_sha256": manifest["prev_manifest_sha256"],
            "claim_no": manifest["claim"]["claim_no"],
            "supersedes": manifest["claim"]["supersedes"],
            "fingerprint": result.fingerprint, "trainees": manifest["claim"]["trainees"],
            "amount_fen": manifest["claim"]["amount_fen"], "signed_at": manifest["signed_at"],
            "accepted_at": _now()}, result.claimed)

    def flag(self, result) -> None:
        """Record why a package was refused, for the bureau's review (``ledger report``)."""
        uscc = (result.institution or {}).get("uscc")
        for error in result.errors:
            self.store.add_flag(result.manifest_sha256, uscc, error["code"], error["detail"],
                                _now())

    def packages(self) -> list[dict]:
        return self.store.packages()

    def report(self) -> dict:
        groups: dict[tuple, list] = {}
        for id_number, project, period, uscc, claim_no, sha in self.store.duplicates():
            groups.setdefault((mask_id_number(id_number), project, period), []).append(
                {"uscc": uscc, "claim_no": claim_no, "manifest_sha256": sha})
        packages = self.store.packages()
        return {"packages": len(packages),
                "institutions": sorted({p["uscc"] for p in packages}),
                "duplicates": [{"person": k[0], "project": k[1], "period": k[2], "claims": v}
                               for k, v in groups.items()],
                "flags": self.store.flags()}
