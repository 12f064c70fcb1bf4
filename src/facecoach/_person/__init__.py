"""The person: profile, safety gate, schedule and rotation, hold adaptation,
the history database and the report.
"""
