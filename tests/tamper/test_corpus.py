"""The tamper corpus (SECURITY.md §1.7): every case rejected with its own code; the golden
package passes; random byte flips are never valid and never crash the verifier."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from skilldesk.package.ledger import Ledger
from skilldesk.package.registry import KeyRegistry
from skilldesk.package.verify import verify_package
from tests.tamper import golden as g
from tests.tamper import make_corpus

SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
EXPECTED_CASES = 39  # §1.7 has 38 rows; 39 is SkillDesk's own (same person twice)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    return out, make_corpus.write(out), KeyRegistry.load(out / "registry")


def test_every_table_row_has_a_case(corpus):
    _out, names, _registry = corpus
    rows = {int(name[:2]) for name in names}
    assert rows == set(range(0, EXPECTED_CASES + 1))


def test_each_case_is_rejected_with_its_own_code(corpus, tmp_path):
    out, names, registry = corpus
    wrong = []
    for name in names:
        expected = json.loads((out / name / "expected.json").read_text())
        ledger = None
        if expected["accept_first"]:
            ledger = Ledger.open(tmp_path / f"{name}.ledger")
            for file in expected["accept_first"]:
                accepted = verify_package(out / name / file, registry, ledger=ledger)
                assert accepted.valid, (name, accepted.errors)
                ledger.accept(accepted)
        result = verify_package(out / name / "package.tsclaim", registry, ledger=ledger)
        codes = set(result.codes)
        if expected["valid"]:
            ok = result.valid and not codes
        else:
            ok = not result.valid and codes == {expected["code"]}
        if not ok:
            wrong.append((name, expected["code"], result.codes))
        if ledger:
            ledger.close()
    assert wrong == [], "\n".join(map(str, wrong))


def test_corpus_generation_is_deterministic():
    first = [(n, code, data) for n, code, data, _r, _a in make_corpus.cases()]
    second = [(n, code, data) for n, code, data, _r, _a in make_corpus.cases()]
    assert first == second


@pytest.fixture(scope="module")
def golden_and_registry(tmp_path_factory):
    data, _sha = g.golden()
    return data, KeyRegistry.load(g.write_registry(tmp_path_factory.mktemp("keys")))


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW)
@given(st.data())
def test_random_byte_flips_are_never_valid(golden_and_registry, data):
    package, registry = golden_and_registry
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(package) - 1), st.integers(1, 255)),
                               min_size=1, max_size=4))
    mutated = bytearray(package)
    for at, mask in flips:
        mutated[at] ^= mask
    if bytes(mutated) == package:
        return
    result = verify_package(bytes(mutated), registry)   # never raises
    assert not result.valid and result.errors
    assert all(e["code"].startswith("E_") for e in result.errors)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW)
@given(cut=st.integers(0, 11000), junk=st.binary(max_size=64))
def test_truncation_and_insertion_are_never_valid(golden_and_registry, cut, junk):
    package, registry = golden_and_registry
    mutated = package[:cut % len(package)] + junk + package[cut % len(package) + 1:]
    assume(mutated != package)  # replacing a byte by itself changes nothing
    result = verify_package(mutated, registry)
    assert not result.valid


@pytest.mark.slow
def test_every_byte_changed_anywhere_is_rejected(golden_and_registry):
    """Exhaustive where the property tests sample: the lowest and highest bit of every
    byte of the golden package, headers included (this found "version made by" unchecked)."""
    package, registry = golden_and_registry
    accepted = []
    for at in range(len(package)):
        for mask in (0x01, 0x80):
            mutated = bytearray(package)
            mutated[at] ^= mask
            if verify_package(bytes(mutated), registry).valid:
                accepted.append((at, mask))
    assert accepted == []
