"""Use cases: load aggregates, call one method, save."""
