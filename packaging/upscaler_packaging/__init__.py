"""Build code for the packages (`./dev package`): the PyInstaller bundle, tarball, .deb and .rpm.

Named so it never shadows PyPI's `packaging` (pip, pytest and setuptools import that one); the spec,
`packaging/build.py` and the smoke tests put `packaging/` on sys.path and import this.
"""
