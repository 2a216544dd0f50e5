"""The institution's Ed25519 signing key (issue 7): key files, fingerprints, rotation.

A layer below ``core`` like ``rules``: no Qt, no SQL; it may import only ``errors`` and
``i18n`` from SkillDesk. All cryptography is the ``cryptography`` library's.
"""
