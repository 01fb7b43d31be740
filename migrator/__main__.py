"""``python -m migrator`` and the console script: the command line, started beside a warm worker.

``python -m`` puts the current directory first on sys.path: a scanned tree holding
``click.py`` or ``libcst/`` would be imported (run) in place of the real library. The
package itself is already imported, so its own modules are found without that entry.
"""

import os
import sys

if __name__ == "__main__" and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

# The worker imports what checking a file needs while this process starts the command.
WARM_PRELOAD = ("migrator.engine", "migrator.traversal", "migrator.fixes")


# Above this many named files, the worker is started without reading them first.
MAX_FILES_READ_FIRST = 64


def run() -> None:
    from migrator import dataclass_code

    dataclass_code.install()
    from migrator import warm

    argv = sys.argv[1:]
    if warm.wanted(argv) and may_need_libcst(warm.path_arguments(argv)):
        warm.start(WARM_PRELOAD)
    from migrator.cli import main

    main()


def may_need_libcst(paths: list[str]) -> bool:
    """Whether the named paths may hold a file to parse: a directory (or none: the current
    one), or a file that passes the prefilter with the bundled catalog. Named files (as
    pre-commit passes them) are read here first: a run on clean files forks no worker."""
    if not paths or len(paths) > MAX_FILES_READ_FIRST or any(os.path.isdir(p) for p in paths):
        return True
    from migrator.engine import ANALYSE, prefilter_paths

    return ANALYSE in prefilter_paths(paths, None)  # an unreadable word is an option's value


if __name__ == "__main__":
    run()
