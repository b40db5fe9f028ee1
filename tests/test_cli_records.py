"""`chanjiao find`, `match-policy`, `match-demand` in-process: JSON shapes, messages, exit codes.

The index is built by `chanjiao ingest --no-embed` (keyword search only; no model needed for
lookups without a query).
"""

from __future__ import annotations

import json
import shutil

import pytest

from assistant.cli import main

from .conftest import CORPUS


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli-records")
    docs = base / "docs"
    for folder, pattern in (
        ("courses", "*"),
        ("supply-demand", "*"),
        ("policies", "青人社发*"),
        ("policies", "成经信发*"),
    ):
        (docs / folder).mkdir(parents=True, exist_ok=True)
        for f in (CORPUS / folder).glob(pattern):
            shutil.copy(f, docs / folder / f.name)
    index = base / "index"
    assert main(["ingest", str(docs), "--no-embed", "--quiet", "--index", str(index)]) == 0
    return ["--index", str(index)]


def test_find_json_shape_and_total(cli_index, capsys):
    args = ["find", "course", "--where", "开课学校=西华大学", "--limit", "2", "--json"]
    assert main([*args, *cli_index]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "course" and out["total"] == 8 and len(out["results"]) == 2
    r = out["results"][0]
    assert {"fields", "source", "sheet", "row", "page", "score"} <= set(r)
    assert r["fields"]["开课学校"] == "西华大学"


def test_find_human_output_and_bad_input(cli_index, capsys):
    assert main(["find", "demand", "--where", "状态=对接中", *cli_index]) == 0
    out = capsys.readouterr().out
    assert out.startswith("需求：共") and "028-0000" not in out
    assert main(["find", "course", "--where", "颜色=红", *cli_index]) == 2
    assert "没有字段" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="YYYY-MM-DD"):
        main(["find", "course", "--since", "去年", *cli_index])


def test_match_policy_from_flags_and_a_profile_file(cli_index, capsys, tmp_path):
    assert (
        main(
            ["match-policy", "--district", "青羊区", "--industry", "航空航天", "--json", *cli_index]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["profile"] == {"district": "青羊区", "industry": "航空航天"}
    numbers = {m["doc_number"] for m in out["matches"]} | {m["doc_number"] for m in out["excluded"]}
    assert "青人社发〔2024〕8号" in numbers and "青人社发〔2023〕21号" not in {
        m["doc_number"] for m in out["matches"]
    }
    profile = tmp_path / "firm.json"
    profile.write_text(
        json.dumps({"district": "武侯区", "flags": ["专精特新"]}, ensure_ascii=False), "utf-8"
    )
    assert main(["match-policy", "--profile", str(profile), *cli_index]) == 0
    text = capsys.readouterr().out
    assert "武侯区" in text and "不符合" in text
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", "utf-8")
    with pytest.raises(SystemExit, match="JSON"):
        main(["match-policy", "--profile", str(bad), *cli_index])


def test_match_demand_by_its_number(cli_index, capsys):
    assert main(["find", "demand", "--limit", "1", "--json", *cli_index]) == 0
    code = json.loads(capsys.readouterr().out)["results"][0]["fields"]["编号"]
    assert main(["match-demand", code, "--json", *cli_index]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["item"]["fields"]["编号"] == code and "restricted" not in out["item"]
    assert main(["match-demand", "XQ-1900-001", *cli_index]) == 2
    assert "找不到" in capsys.readouterr().err
