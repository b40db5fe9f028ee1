"""Legacy Office files converted by LibreOffice (installed by .ci/run from
.ci/apt-packages.txt), cached by content hash; without it, a message naming the package."""

import shutil
import subprocess

import pytest

from ingest.loaders import LoadError, load_file
from ingest.loaders.legacy import convert, find_soffice

from .conftest import CORPUS, DATA

needs_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice not installed (.ci/run installs it)"
)


@needs_soffice
def test_word97_doc_is_converted_once_and_read_like_docx(tmp_path):
    loaded = load_file(DATA / "legacy.doc", convert_dir=tmp_path)
    text = "\n".join(s.text for s in loaded.sections)
    assert "返乡" in text and "创业" in text
    # its tables come out as records, as from a .docx
    assert any(s.kind == "record" and "单位保额" in s.text for s in loaded.sections)
    [cached] = list(tmp_path.iterdir())
    assert cached.suffix == ".docx"
    # The second time the cached conversion is used: LibreOffice is not run again.
    again = convert(DATA / "legacy.doc", tmp_path, soffice="/nonexistent/soffice")
    assert again == cached


@needs_soffice
@pytest.mark.slow
def test_real_corpus_doc_and_a_legacy_xls_are_indexed(tmp_path):
    loaded = load_file(
        CORPUS / "policies" / "内江市返乡下乡创业政策汇编（12.11）.doc", convert_dir=tmp_path
    )
    assert sum(len(s.text) for s in loaded.sections) > 10000
    # An Excel 97 .xls (made here from the merged-header fixture) comes back as records.
    work = tmp_path / "xls"
    work.mkdir()
    shutil.copy(DATA / "merged_header.xlsx", work / "book.xlsx")
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={(work / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(work),
            str(work / "book.xlsx"),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    xls = work / "book.xls"
    (work / "book.xlsx").unlink()
    original = load_file(DATA / "merged_header.xlsx")
    converted = load_file(xls, convert_dir=tmp_path / "cache")
    assert [s.text for s in converted.sections] == [s.text for s in original.sections]


def test_without_libreoffice_the_message_names_the_package(monkeypatch, tmp_path):
    from ingest.loaders import legacy

    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    xls = tmp_path / "旧表.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(LoadError) as e:
        load_file(xls)
    assert "libreoffice-calc-nogui" in e.value.message and "(" in e.value.message


@needs_soffice
def test_a_broken_legacy_file_is_reported_not_crashed(tmp_path):
    bad = tmp_path / "坏文件.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LoadError) as e:
        load_file(bad, convert_dir=tmp_path / "cache")
    assert "LibreOffice" in e.value.message
