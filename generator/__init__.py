"""Dialogue: a static site generator for corporate dialogue blogs.

The build (build.py) runs the stages in order, each in its module or folder: read (read.py, the
readers in content/), assemble (assemble.py), plan (plan/), render (render/), write (write/);
the cache (incremental/) wraps them. cli.py is the ``dialogue`` command; serve/ is
``dialogue serve``.
"""

__version__ = "0.1.0"
