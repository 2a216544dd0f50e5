"""A device's own keys: Ed25519 to sign the bundles it makes, X25519 to receive bundles.

The device fingerprint covers both public keys, so comparing it on two screens (paper style,
base32 in groups of four) confirms both at once."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import PublicFormat

from skilldesk.signing import keys

DEVICE_FP_PREFIX = b"skilldesk-device-v1\0"
KEY_SIZE = 32


@dataclass(frozen=True)
class DeviceKeys:
    """Raw 32-byte private keys; never shown in repr."""

    signing: bytes = field(repr=False)      # Ed25519 seed
    encryption: bytes = field(repr=False)   # X25519 private scalar

    def __post_init__(self) -> None:
        for name in ("signing", "encryption"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != KEY_SIZE:
                raise ValueError(f"{name} key must be {KEY_SIZE} raw bytes")

    def signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.signing)

    def encryption_key(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.encryption)

    @property
    def signing_public(self) -> bytes:
        return self.signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def encryption_public(self) -> bytes:
        return encryption_public_for(self.encryption)

    @property
    def fingerprint(self) -> str:
        return device_fingerprint(self.signing_public, self.encryption_public)


def encryption_public_for(private_raw: bytes) -> bytes:
    """The raw X25519 public key of a raw private key."""
    key = X25519PrivateKey.from_private_bytes(private_raw)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_device_keys() -> DeviceKeys:
    return DeviceKeys(signing=Ed25519PrivateKey.generate().private_bytes_raw(),
                      encryption=X25519PrivateKey.generate().private_bytes_raw())


def device_fingerprint(signing_pub_raw: bytes, encryption_pub_raw: bytes) -> str:
    """``"ABCD EFGH …"``: base32 of SHA-256(prefix + both public keys)[:20], grouped."""
    if len(signing_pub_raw) != KEY_SIZE or len(encryption_pub_raw) != KEY_SIZE:
        raise ValueError("public keys must be 32 raw bytes")
    return keys.group(keys.fingerprint(DEVICE_FP_PREFIX + signing_pub_raw + encryption_pub_raw))
