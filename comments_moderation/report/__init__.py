"""The oversight report: ``dialogue comments report --out FILE.html`` (see page.py)."""
