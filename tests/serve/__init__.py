"""Tests of ``dialogue serve`` (a package, so that the tests can import the helpers in conftest)."""
