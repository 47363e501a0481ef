"""Workforce planning: forecast contact volume, turn it into staff, and schedule the shifts."""
