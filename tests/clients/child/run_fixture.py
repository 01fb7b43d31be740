"""Run one fixture program: execute it as module ``MODULE``, then its driver sidecar inside it.

Usage: ``python run_fixture.py MODULE [DRIVER]``, with the current directory holding ``MODULE.py``.
The driver (``fixtures/fix/X.py.run``) is Python executed in the fixture module's own namespace,
so it can call the functions and objects the fixture defines but never uses. An exception that
ends the fixture or the driver does not stop the run: it is written (``Type: message``, one per
line) to the file ``DSM_OUTCOME`` names, the driver still runs, and the harness decides.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback


def _note(error: BaseException, where: str) -> None:
    with open(os.environ["DSM_OUTCOME"], "a", encoding="utf-8") as handle:
        handle.write(f"{where}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}\n")
    traceback.print_exc()


def main() -> None:
    name = sys.argv[1]
    sys.path.insert(0, os.getcwd())
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.getcwd(), f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        _note(error, "program")
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as handle:
            driver = handle.read()
        try:
            exec(compile(driver, sys.argv[2], "exec"), vars(module))
        except Exception as error:
            _note(error, "driver")


if __name__ == "__main__":
    main()
