"""gradio's cached copies of uploaded files are deleted once the upload is handled (the
whole path through the page is in tests/test_web_browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

from gradio.utils import get_upload_folder

from assistant.web import drop_gradio_copies


def test_gradio_copies_are_deleted_with_their_folder(tmp_path):
    cache = Path(get_upload_folder())
    folder = cache / "chanjiao-test-0f3a9c"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "会员名单（示例）.md"
    copy.write_text("仅成员可见", "utf-8")
    assert drop_gradio_copies([copy]) == [copy.resolve()]
    assert not copy.exists() and not folder.exists()


def test_a_folder_holding_another_upload_is_kept(tmp_path):
    folder = Path(get_upload_folder()) / "chanjiao-test-7b21e4"
    folder.mkdir(parents=True, exist_ok=True)
    ours, other = folder / "a.md", folder / "b.md"
    ours.write_text("甲", "utf-8")
    other.write_text("乙", "utf-8")
    try:
        drop_gradio_copies([ours])
        assert not ours.exists() and other.exists()
    finally:
        other.unlink()
        folder.rmdir()


def test_files_outside_gradio_cache_are_never_touched(tmp_path):
    mine = tmp_path / "通知.md"
    mine.write_text("正文", "utf-8")
    # the same file named through gradio's folder ("/tmp/gradio/../pytest-…/通知.md")
    sneaky = Path(get_upload_folder()) / os.path.relpath(mine, get_upload_folder())
    assert ".." in sneaky.parts
    assert drop_gradio_copies([mine, sneaky]) == []
    assert mine.exists()


def test_a_file_posted_to_the_upload_endpoint_and_never_used_is_swept(tmp_path):
    """Anyone can POST a file to gradio's upload endpoint without logging in; it would be
    served from gradio's cache to whoever has its URL. No event uses it, so our own deletion
    never runs: gradio's sweep (CHANJIAO_UPLOAD_CACHE_SECONDS) must remove it."""
    import time

    import httpx

    from .webapp import start_app

    app = start_app(tmp_path, upload_cache_seconds=2)
    try:
        files = {
            "files": ("未登录上传（示例）.md", "仅测试：无人使用的上传".encode(), "text/markdown")
        }
        reply = httpx.post(app.url + "gradio_api/upload", files=files, timeout=30)
        assert reply.status_code == 200, reply.text
        (path,) = reply.json()
        assert Path(path).exists()
        assert httpx.get(app.url + f"gradio_api/file={path}", timeout=30).status_code == 200
        deadline = time.monotonic() + 20
        while Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not Path(path).exists(), "the unused upload outlived the sweep"
        assert httpx.get(app.url + f"gradio_api/file={path}", timeout=30).status_code != 200
    finally:
        app.stop()
