"""Evaluating one application: the evaluator, its results, messages, scoring and the plugin API."""
