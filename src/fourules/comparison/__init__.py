"""Comparing two years: the structural diff, replay of real applications, witnesses."""
