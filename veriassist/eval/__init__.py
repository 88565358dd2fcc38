"""Scoring suites: batch runs, their records (SQLite), metrics and reports."""
