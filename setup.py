"""Which packages the wheel holds. Everything else about the project is in pyproject.toml.

The default theme lives in the repository's top-level themes/ (a fixed layout), so it is
shipped as the package ``dialogue_themes`` mapped onto that folder: the same name then finds
it in a wheel and in an editable install (generator/themes.py). pyproject.toml alone cannot say
this: its package finder lists only folders that carry their package's name.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["generator*", "comments_moderation*"]), "dialogue_themes"],
    package_dir={"dialogue_themes": "themes"},
)
