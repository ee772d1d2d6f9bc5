"""Time and the editorial plan: what time alone will change on the site (``dialogue schedule``),
what the writers have in the pipeline (``dialogue plan``), and the plan as a calendar file."""
