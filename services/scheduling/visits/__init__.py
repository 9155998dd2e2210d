"""Visits: listed, in a calendar, cancelled and moved, and what each change announces."""
