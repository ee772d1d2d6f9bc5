"""Stage 5, write: the rendered files and the copied ones become the output in one step
(output.py), through a spare folder beside it (tree.py) and an atomic exchange (exchange.py)."""
