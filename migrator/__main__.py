"""``python -m migrator``: the command line, without importing modules from the scanned tree."""

import os
import sys

# ``python -m`` puts the current directory first on sys.path: a scanned tree holding
# ``click.py`` or ``libcst/`` would be imported (run) in place of the real library. The
# package itself is already imported, so its own modules are found without that entry.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from migrator.cli import main

main()
