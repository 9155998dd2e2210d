"""Scheduling: plans the Mobile Office's visits under the city's rules and announces them."""
