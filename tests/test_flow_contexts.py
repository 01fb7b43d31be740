"""The contexts the value flow loads from other files keep their real paths for as long as
a follow holds them, also when the cache of loaded contexts is emptied mid-run."""

from __future__ import annotations

from pathlib import Path

from migrator.engine import catalog_for
from migrator.flow import _CONTEXTS, FlowState, load_context
from migrator.judgement import Judgement
from tests.conftest import TODAY_DT


def test_a_held_context_keeps_its_real_path_when_the_cache_is_emptied(tmp_path: Path) -> None:
    judgement = Judgement(catalog_for(None), TODAY_DT, "deepseek-v4-flash")
    state = FlowState(None, None, None, True, None)  # type: ignore[arg-type]
    held_path = tmp_path / "held.py"
    held_path.write_text('MODEL = "deepseek-chat"\n')
    held = load_context(str(held_path), judgement, state)
    assert held is not None and state.real_path_of(held) == str(held_path)
    for index in range(len(_CONTEXTS) + 300):  # more than the cache keeps: it is emptied
        other = tmp_path / f"m{index}.py"
        other.write_text(f"VALUE = {index}\n")
        load_context(str(other), judgement, state)
    assert str(held_path) not in {key[0] for key in _CONTEXTS}
    assert state.real_path_of(held) == str(held_path)
