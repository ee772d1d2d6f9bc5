"""Stage 3, plan: decide every file of the site as an Output (url, renderer, context); pure."""
