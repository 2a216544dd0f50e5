"""Canonical JSON (RFC 8785 through ``rfc8785``) and the strict parse the verifier uses."""

from __future__ import annotations

import base64
import hashlib
import json

import rfc8785

from skilldesk.package import model as m


class JsonProblem(ValueError):
    """A JSON file that cannot be accepted; ``limit`` when a size/depth cap was hit."""

    def __init__(self, detail: str, *, limit: bool = False) -> None:
        super().__init__(detail)
        self.limit = limit


def _reject_floats(value, path: str = "$") -> None:
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not allowed (money is integer fen)")
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_floats(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _reject_floats(item, f"{path}[{index}]")


def dumps(value) -> bytes:
    """RFC 8785 canonical bytes; floats refused so every language agrees on numbers."""
    _reject_floats(value)
    return rfc8785.dumps(value)


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise JsonProblem(f"duplicate key {key!r}")
        result[key] = value
    return result


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _constant(name: str):
    raise JsonProblem(f"non-standard number {name}")


def loads(raw: bytes, *, max_depth: int = m.MAX_JSON_DEPTH, check_depth: bool = True):
    """Strict parse: UTF-8 without BOM, no duplicate keys, no NaN/Infinity, bounded depth."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonProblem(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if text.startswith("\ufeff"):
        raise JsonProblem("starts with a byte-order mark")
    if check_depth and _depth(text) > max_depth:
        raise JsonProblem(f"nested deeper than {max_depth}", limit=True)
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except JsonProblem:
        raise
    except (ValueError, RecursionError) as exc:
        raise JsonProblem(str(exc)) from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Strict standard base64 (with padding); ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return data


def fingerprint(raw_public_key: bytes) -> str:
    """base32 (RFC 4648, upper case, no padding) of the first 20 bytes of SHA-256(key)."""
    return base64.b32encode(hashlib.sha256(raw_public_key).digest()[:20]).decode("ascii")
