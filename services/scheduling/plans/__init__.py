"""A month's plan: the planner's rules and publishing it."""
