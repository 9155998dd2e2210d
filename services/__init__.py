"""The four Mobile Office services."""
