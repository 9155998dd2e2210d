"""The plan, for operators: the month on a calendar at /plan/ (pages.py)."""
