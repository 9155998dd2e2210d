"""Notifications: residents hear back about their request and about visits, in their language."""
