"""Keeping sources current: fetch feeds over the network, verify them, import them. No widgets."""
