"""Eval harness: datasets, runners, metrics (ragas and our own), reports and golden sets."""
