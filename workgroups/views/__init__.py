"""Pages of the working groups and the Strategic Plan, split by sub-domain."""
