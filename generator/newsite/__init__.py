"""``dialogue init``: a new site that builds at once, with CI examples that publish on time."""
