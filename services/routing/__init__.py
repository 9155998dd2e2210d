"""Routing: every request to the department that can fix it; departments' progress back."""
