"""Đôn đốc: follow-up lists for agencies and the standing office, feedback copies of workbooks
with quarantined rows, and (optionally) sending them by e-mail."""
