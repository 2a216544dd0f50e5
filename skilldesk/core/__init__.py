"""The domain core: the Desk facade, services, typed errors, change records. No Qt."""
