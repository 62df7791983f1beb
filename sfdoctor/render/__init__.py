"""Renderers: pure functions from a result to a string. Callers do the writing."""
