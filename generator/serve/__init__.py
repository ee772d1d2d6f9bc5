"""``dialogue serve``: server.py (build, watch, serve, rebuild), app.py (the WSGI routes), live.py
(live reload and the error overlay), watch.py (which saves trigger a rebuild)."""
