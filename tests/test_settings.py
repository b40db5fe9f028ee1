"""Settings come from the environment once, typed, with CLI flags winning."""

from pathlib import Path

from assistant.settings import Settings


def test_every_variable_is_read_with_its_type_and_flags_win():
    env = {
        "CHANJIAO_INDEX": "~/idx",
        "CHROMA_HOST": "10.0.0.5",
        "CHROMA_PORT": "8765",
        "CHANJIAO_LLM_MODEL": "qwen2.5:7b",
        "CHANJIAO_LLM_TIMEOUT": "12.5",
        "CHANJIAO_PROGRESS": "1",
        "CHANJIAO_MAX_FILE_MB": "",  # empty means unset
    }
    s = Settings.from_env(env, index_dir=Path("/tmp/flag-index"))
    assert s.index_dir == Path("/tmp/flag-index")  # the --index flag wins
    assert s.chroma_port == 8765 and s.uses_server
    assert s.llm_timeout == 12.5 and s.llm_enabled
    assert s.progress_always is True
    assert s.max_file_mb == 100
    assert Settings.from_env({"CHANJIAO_INDEX": "~/idx"}).index_dir == Path("~/idx").expanduser()
    assert not Settings.from_env({}).llm_enabled and not Settings.from_env({}).progress_always
