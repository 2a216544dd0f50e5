"""Sync bundles between field laptops and the office PC: device keys, pairing files and the
signed, encrypted bundle container. Pure Python: no Qt, no SQL, no core/ui/storage."""
