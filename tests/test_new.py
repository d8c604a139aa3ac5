"""`hotline new`: a case file from options (or questions on a terminal) that then checks and builds."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import yaml
from conftest import ROOT, make_case, one_chinese_line, output_text, write_cases

BIN = Path(sys.executable).parent

OPTIONS = [
    "--received", "2013-02-03 10:00", "--name", "王建国", "--gender", "男", "--phone", "13912345678",
    "--district", "浉河区", "--area", "湖东社区", "--category", "城市管理", "--headline", "路灯坏了/城管修好",
    "--complaint", "湖东社区门口路灯坏了一个月，晚上出行不便。", "--department", "城管执法局",
    "--action", "经查系线路老化，已更换线路，路灯恢复照明。", "--resolved", "2013-02-05",
    "--followup", "满意", "--followup-at", "2013-02-06", "--reporter", "曾宪科",
]


def seeded(tmp_path: Path) -> Path:
    return write_cases(tmp_path / "cases", {
        "2013/01/XY-2013-000042.yaml": make_case(),
        "2013/01/XY-2013-000051.yaml": make_case(id="XY-2013-000051"),
        "2012/12/XY-2012-001610.yaml": {"id": "XY-2012-001610", "status": "invalid", "received_at": "2012-12-30"},
    })


def test_new_writes_a_case_that_checks_and_builds(tmp_path, run):
    cases = seeded(tmp_path)
    code, stdout, stderr = run("new", "--cases", cases, *OPTIONS)
    assert (code, stderr) == (0, "")
    path = cases / "2013" / "02" / "XY-2013-000052.yaml"
    assert f"已写入 {path}（编号 XY-2013-000052）" in stdout
    text = path.read_text("utf-8")
    first, _ = text.split("\n", 1)
    assert first.startswith("# yaml-language-server: $schema=")
    assert (path.parent / first.split("=", 1)[1]).resolve() == (ROOT / "schema" / "case.schema.json").resolve()
    case = yaml.safe_load(text)
    assert case["status"] == "resolved" and case["caller"] == {"name": "王建国", "gender": "male", "phone": "13912345678"}
    assert case["headline"] == ["路灯坏了", "城管修好"] and case["followup"]["result"] == "satisfied"
    assert run("check", "--cases", cases)[0] == 0
    out = tmp_path / "out"
    assert run("build", "--cases", cases, "--output", out)[0] == 0
    page = (out / "cases" / "XY-2013-000052.html").read_text("utf-8")
    assert "王先生" in page and "路灯坏了" in page
    assert "王建国" not in output_text(out) and "13912345678" not in output_text(out)


def test_ids_follow_the_directory_style_per_year(tmp_path, run):
    cases = seeded(tmp_path)
    options = [o if o != "2013-02-03 10:00" else "2014-01-02 08:00" for o in OPTIONS]
    options = [o if o != "2013-02-05" else "2014-01-05" for o in options]
    options = [o if o != "2013-02-06" else "2014-01-06" for o in options]
    assert run("new", "--cases", cases, *options)[0] == 0
    assert (cases / "2014" / "01" / "XY-2014-000001.yaml").is_file()
    assert run("new", "--cases", cases, *options)[0] == 0
    assert (cases / "2014" / "01" / "XY-2014-000002.yaml").is_file()
    empty = write_cases(tmp_path / "empty", {})
    assert run("new", "--cases", empty, *options)[0] == 0
    assert (empty / "2014" / "01" / "RX-2014-000001.yaml").is_file()


def test_an_id_in_use_is_refused(tmp_path, run):
    cases = seeded(tmp_path)
    before = sorted(cases.rglob("*"))
    code, _, stderr = run("new", "--cases", cases, "--id", "xy-2013-000042", *OPTIONS)
    assert code == 1 and "编号 xy-2013-000042 已被" in stderr and "XY-2013-000042.yaml 使用" in stderr
    assert sorted(cases.rglob("*")) == before


def test_without_a_terminal_missing_essentials_are_a_usage_error(tmp_path, run):
    cases = seeded(tmp_path)
    before = sorted(cases.rglob("*"))
    code, _, stderr = run("new", "--cases", cases, "--name", "王建国")
    assert code == 2
    for option in ("--district", "--category", "--headline", "--complaint", "--department", "--action"):
        assert f"缺少 {option}" in stderr
    assert sorted(cases.rglob("*")) == before


def test_wrong_values_are_explained_and_nothing_is_written(tmp_path, run):
    cases = seeded(tmp_path)
    before = sorted(cases.rglob("*"))
    wrong = [o if o != "城市管理" else "城市管里" for o in OPTIONS] + ["--gender", "男的"]
    code, _, stderr = run("new", "--cases", cases, *wrong)
    assert code == 1
    assert "--category: “城市管里”不在 categories.yaml 中，是不是“城市管理”？" in stderr
    assert "--gender: “男的”不是可选的值" in stderr
    early = [o if o != "2013-02-05" else "2013-02-01" for o in OPTIONS]
    code, _, stderr = run("new", "--cases", cases, *early)
    assert code == 1 and "--resolved: 办结日期早于受理日期" in stderr and "没有写入文件" in stderr
    assert sorted(cases.rglob("*")) == before


def test_district_is_a_registry_name_alias_or_number_and_written_as_its_name(tmp_path, run):
    cases = seeded(tmp_path)
    for given, _id in (("浉河", "XY-2013-000052"), ("2", "XY-2013-000053")):
        options = [o if o != "浉河区" else given for o in OPTIONS]
        assert run("new", "--cases", cases, *options)[0] == 0
    districts = [yaml.safe_load((cases / "2013" / "02" / f"{i}.yaml").read_text("utf-8"))["place"]["district"]
                 for i in ("XY-2013-000052", "XY-2013-000053")]
    assert districts == ["浉河区", "平桥区"]
    before = sorted(cases.rglob("*"))
    code, _, stderr = run("new", "--cases", cases, *[o if o != "浉河区" else "浉合区" for o in OPTIONS])
    assert code == 1 and "--district: “浉合区”不在 districts.yaml 中，是不是“浉河区”？" in stderr
    assert sorted(cases.rglob("*")) == before


def test_a_case_just_received_needs_only_the_essentials(tmp_path, run):
    cases = seeded(tmp_path)
    code, _, _ = run("new", "--cases", cases, "--status", "已受理", "--received", "2013-03-01 08:30", "--name", "赵六")
    assert code == 0
    case = yaml.safe_load((cases / "2013" / "03" / "XY-2013-000052.yaml").read_text("utf-8"))
    assert case == {"id": "XY-2013-000052", "status": "received", "received_at": "2013-03-01 08:30",
                    "caller": {"name": "赵六", "gender": "unknown"}}
    assert run("check", "--cases", cases)[0] == 0


def test_on_a_terminal_it_asks_in_chinese(tmp_path):
    """Answers typed into a real terminal (a pty), a wrong one asked again."""
    cases = seeded(tmp_path)
    answers = [
        "", "2013-02-03 10:00", "李华", "女", "", "", "", "1", "", "9", "城市管理",
        "路灯坏了/城管修好", "路灯坏了一个月", "", "市城管局", "", "已更换线路，路灯恢复照明。", "", "", "满意", "", "", "",
    ]
    master, slave = pty.openpty()
    process = subprocess.Popen([BIN / "hotline", "new", "--cases", cases], cwd=ROOT, stdin=slave, stdout=slave,
                               stderr=slave, close_fds=True)
    os.close(slave)
    shown = b""

    def read(wait: float) -> None:
        nonlocal shown
        while select.select([master], [], [], wait)[0]:
            try:
                shown += os.read(master, 65536)
            except OSError:
                return

    deadline = time.monotonic() + 60
    for answer in answers:
        read(0.3)
        if process.poll() is not None or time.monotonic() > deadline:
            break
        os.write(master, answer.encode() + b"\n")
    try:
        process.wait(timeout=30)
    finally:
        process.kill()
    read(0.5)
    os.close(master)
    text = shown.decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "来电人姓名" in text and "类别（填名称或序号）" in text and "1 城市管理" in text and "1 浉河区  2 平桥区" in text
    assert "“9”不在 categories.yaml 中" in text
    case = yaml.safe_load((cases / "2013" / "02" / "XY-2013-000052.yaml").read_text("utf-8"))
    assert case["caller"] == {"name": "李华", "gender": "female"} and case["category"] == "城市管理"
    assert case["place"] == {"district": "浉河区"}
    assert case["handling"][0]["department"] == "市城管局" and case["followup"]["result"] == "satisfied"


def test_a_category_number_is_ascii_digits_only(tmp_path, run):
    cases = seeded(tmp_path)
    for category in ("①", "²", "٢", "9" * 5000):  # str.isdigit() is True for each; int() refuses the first two
        options = [category if o == "城市管理" else o for o in OPTIONS]
        code, stdout, stderr = run("new", "--cases", cases, *options)
        assert code == 1 and stdout == ""
        assert stderr == f"--category: “{category}”不在 categories.yaml 中\n"
    options = ["2" if o == "城市管理" else o for o in OPTIONS]
    assert run("new", "--cases", cases, *options)[0] == 0
    assert yaml.safe_load((cases / "2013/02/XY-2013-000052.yaml").read_text("utf-8"))["category"] == "户籍管理"


def test_dates_are_ascii_digits_only(tmp_path, run):
    cases = seeded(tmp_path)
    for received in ("２０１３-02-03", "٢٠١٣-02-03"):  # a regex's \d matches both; the contract's dates are ASCII
        options = [received if o == "2013-02-03 10:00" else o for o in OPTIONS]
        code, _, stderr = run("new", "--cases", cases, *options)
        assert code == 1 and stderr == f"--received: “{received}”不是日期（应为 2013-01-10 或 2013-01-10 09:12）\n"
    assert not (cases / "2013" / "02").exists()


def test_an_id_with_thousands_of_digits_in_the_directory_does_not_stop_the_next_id(tmp_path, run):
    cases = seeded(tmp_path)
    (cases / "2013/01/long.yaml").write_text(f"id: XY-2013-{'9' * 5000}\nstatus: received\n", "utf-8")
    code, stdout, _ = run("new", "--cases", cases, *OPTIONS)
    assert code == 0 and "（编号 XY-2013-000052）" in stdout


def test_a_cases_directory_that_is_missing_or_a_file(tmp_path, run):
    (tmp_path / "file").write_text("x")
    for cases, message in ((tmp_path / "nope", "找不到案件目录 {}"), (tmp_path / "file", "案件目录 {} 不是目录")):
        code, stdout, stderr = run("new", "--cases", cases, *OPTIONS)
        assert (code, stdout) == (1, "")
        assert one_chinese_line(stderr) == message.format(cases) + "（请检查设置中的 CASES_PATH 或 --cases）"
    assert not list(tmp_path.rglob("*.yaml"))
