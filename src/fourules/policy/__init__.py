"""A year's call: the policy model, its conditions, declared vocabulary and administrations."""
