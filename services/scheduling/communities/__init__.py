"""The communities visited: seeded, listed, and their open requests counted."""
