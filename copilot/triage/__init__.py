"""Triage: what each contact is about, what it risks, what it asks for, and whether it needs a person.

The face is :class:`copilot.triage.classifier.Triage` (``classify(conversation) -> TriageResult``).
"""
