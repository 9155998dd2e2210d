"""Intake: the HTTP API field apps post to; issues reference numbers; answers follow-ups."""
