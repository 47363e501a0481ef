"""Routing: every contact to the right queue and the right agent at the right time."""
