"""Rounds: the round model and its files, quotas, the round's evaluation, audit and allocation."""
