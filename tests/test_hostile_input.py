"""Hostile input: every file a careless or malicious hand could put in the
cases directory gets one clear problem naming its file and line; nothing
crashes, hangs or reads outside the cases directory, and the published
site stays byte for byte as it was.

Each catalogue entry is (file name, content, line, words of the message).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import DEPARTMENTS, ROOT, make_case, tree, write_cases

from hotline.load.casedata import load_cases
from hotline.load.records import MAX_DEPTH, read_yaml

BIN = Path(sys.executable).parent
TZ = ZoneInfo("Asia/Shanghai")
SEED = yaml.safe_dump(make_case(), allow_unicode=True, sort_keys=False)
SEED_LINES = SEED.splitlines(keepends=True)


def seed_with(line: int, text: str) -> str:
    """The seed case with `text` inserted before its line `line` (1-based)."""
    return "".join(SEED_LINES[: line - 1]) + text + "".join(SEED_LINES[line - 1 :])


def case_text(case_id: str, extra: str = "") -> str:
    """A valid received (unpublished) case, then `extra`."""
    return f"id: {case_id}\nstatus: received\nreceived_at: 2013-02-01\n{extra}"


BILLION_LAUGHS = "lol0: &l0 [lol]\n" + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
)

# (file, content, line, message words). Content str is written as UTF-8, bytes as is.
CATALOGUE: list[tuple[str, str | bytes, int, str]] = [
    # Malformed YAML
    ("unclosed-bracket.yaml", case_text("XY-H-1", "headline: [管道损坏, 及时维修\ncomplaint: 停水\n"), 5, "YAML 语法错误"),
    ("unclosed-quote.yaml", case_text("XY-H-2", 'complaint: "停水\n'), 5, "YAML 语法错误"),
    ("bad-indentation.yaml", case_text("XY-H-3", "place:\n  district: 浉河区\n   area: 小区\n"), 6, "YAML 语法错误"),
    ("tab-indentation.yaml", case_text("XY-H-4", "place:\n\tdistrict: 浉河区\n"), 5, "YAML 语法错误"),
    ("stray-colon.yaml", case_text("XY-H-5", "complaint: 停水: 严重\n"), 4, "YAML 语法错误"),
    ("invalid-escape.yaml", case_text("XY-H-6", 'complaint: "停水\\q"\n'), 4, "YAML 语法错误"),
    ("undefined-alias.yaml", case_text("XY-H-7", "complaint: *停水\n"), 4, "YAML 语法错误"),
    ("two-documents.yaml", case_text("XY-H-8", "---\nid: XY-H-8b\n"), 5, "一个文件只能写一个案件"),
    ("duplicate-key.yaml", case_text("XY-H-9", "status: resolved\n"), 4, "重复的键“status”（第 2 行已经写过"),
    ("complex-key.yaml", case_text("XY-H-10", "? [a, b]\n: c\n"), 4, "第 4 行的键不是简单的名称"),
    # Anchors, aliases and billion laughs: refused, never expanded
    ("alias-collection.yaml", case_text("XY-H-11", "headline: &h [停水]\ncomplaint: *h\n"), 4, "不支持 YAML 别名"),
    ("alias-scalar.yaml", case_text("XY-H-12", "reporter: &r 曾宪科\ncomplaint: *r\n"), 4, "不支持 YAML 别名"),
    ("merge-key.yaml", case_text("XY-H-13", "place: &p {district: 浉河区}\nfollowup:\n  <<: *p\n"), 4, "不支持 YAML 别名"),
    ("billion-laughs.yaml", BILLION_LAUGHS, 1, "不支持 YAML 别名"),
    # Tags: never constructed (no code runs, no binary, no sets)
    ("python-apply.yaml", case_text("XY-H-14", 'complaint: !!python/object/apply:os.system ["touch PWNED"]\n'), 4,
     "不支持 YAML 标签“!!python/object/apply:os.syste…”"),
    ("python-name.yaml", case_text("XY-H-15", "complaint: !!python/name:os.system\n"), 4, "不支持 YAML 标签“!!python/name:os.system”"),
    ("binary.yaml", case_text("XY-H-16", "complaint: !!binary 5YGc5rC0\n"), 4, "不支持 YAML 标签“!!binary”"),
    ("set.yaml", case_text("XY-H-17", "redact: !!set {老王, 王建军}\n"), 4, "不支持 YAML 标签“!!set”"),
    ("custom-tag.yaml", case_text("XY-H-18", "complaint: !include /etc/passwd\n"), 4, "不支持 YAML 标签“!include”"),
    ("custom-tag-map.yaml", case_text("XY-H-19", "place: !local {district: 浉河区}\n"), 4, "不支持 YAML 标签“!local”"),
    ("bad-timestamp.yaml", case_text("XY-H-20", "resolved_at: !!timestamp 昨天\n"), 4, "无法识别的值“昨天”"),
    # Sizes
    ("huge-number.yaml", case_text("XY-H-21", "rehandled: " + "9" * 5000 + "\n"), 4, "无法识别的值“999999999999999999999999999999…”"),
    # Encodings and bytes
    # (GBK bytes can happen to be valid UTF-8 for a word or two: 停水 is; a sentence never is.)
    ("gbk.yaml", case_text("XY-H-22", "complaint: 大拱桥居民小区近期经常停水\n").encode("gbk"), 4, "不是 UTF-8 编码"),
    ("utf16.yaml", case_text("XY-H-23").encode("utf-16"), 1, "不是 UTF-8 编码"),
    ("latin1.yaml", "id: XY-H-24\nreporter: Jos\xe9\n".encode("latin-1"), 2, "不是 UTF-8 编码"),
    ("mixed-encoding.yaml", case_text("XY-H-25", "headline: 停水\n").encode() + "complaint: 小区近期经常停水\n".encode("gbk"), 5,
     "不是 UTF-8 编码"),
    ("nul.yaml", case_text("XY-H-26", "complaint: 停\0水\n"), 4, "NUL 字符"),
    ("control-char.yaml", case_text("XY-H-27", "complaint: 停水\x1b[2J\n"), 4, "不允许的控制字符 U+001B（第 4 行）"),
    ("escaped-control-char.yaml", case_text("XY-H-42", 'complaint: "停水\\e[2J\\x07"\n'), 4, "complaint: 含有控制字符 U+001B"),
    ("blank-text.yaml", seed_with(1, "").replace("reporter: 曾宪科", "reporter: '\u3000 '").replace("XY-2013-000042", "XY-H-43"),
     SEED.splitlines().index("reporter: 曾宪科") + 1, "reporter: 只有空白"),
    ("date-as-text.yaml", seed_with(1, "").replace("department: 市城管执法局", "department: 2013-01-10")
     .replace("XY-2013-000042", "XY-H-44"), SEED.splitlines().index("- department: 市城管执法局") + 1, "日期当作文字时请加引号"),
    ("empty.yaml", "", 1, "文件是空的"),
    ("blank.yaml", " \n\n\t\n", 1, "文件是空的"),
    ("only-bom.yaml", b"\xef\xbb\xbf", 1, "文件是空的"),
    ("comments-only.yaml", "# 草稿\n# 还没写\n", 1, "文件只有注释"),
    ("null.yaml", "~\n", 1, "文件没有内容"),
    ("document-marker-only.yaml", "---\n", 2, "文件没有内容"),
    ("top-level-list.yaml", "- id: XY-H-28\n", 1, "文件顶层应是一个案件的键值对"),
    ("top-level-scalar.yaml", "XY-H-29\n", 1, "文件顶层应是一个案件的键值对"),
    # Ids that try to leave the cases/ directory of the site, or break lines
    ("id-dotdot.yaml", case_text("../../etc/passwd"), 1, "id: 格式不对"),
    ("id-absolute.yaml", case_text("/etc/passwd"), 1, "id: 格式不对"),
    ("id-backslash.yaml", case_text("'..\\..\\win.ini'"), 1, "id: 格式不对"),
    ("id-percent.yaml", case_text("'%2e%2e%2fx'"), 1, "id: 格式不对"),
    ("id-newline.yaml", case_text('"XY-H-30\\n"'), 1, "id: 格式不对：“XY-H-30\\u000a”"),
    ("id-space.yaml", case_text("XY H 31"), 1, "id: 格式不对"),
    ("id-chinese.yaml", case_text("信阳-2013-1"), 1, "id: 格式不对"),
    ("id-long.yaml", case_text("X" * 100), 1, "id: 格式不对"),
    ("id-dot.yaml", case_text("'..'"), 1, "id: 格式不对"),
    ("id-number.yaml", case_text("20130001"), 1, "id: 类型不对"),
    # Dates out of range or not dates
    ("date-1979.yaml", "id: XY-H-32\nstatus: received\nreceived_at: 1979-12-31\n", 3, "日期不存在或超出范围"),
    ("date-2101.yaml", "id: XY-H-33\nstatus: received\nreceived_at: 2101-01-01\n", 3, "日期不存在或超出范围"),
    ("date-9999.yaml", "id: XY-H-34\nstatus: received\nreceived_at: 9999-12-31 23:59\n", 3, "日期不存在或超出范围"),
    ("date-year-0.yaml", "id: XY-H-35\nstatus: received\nreceived_at: 0000-01-01\n", 3, "无法识别的值“0000-01-01”"),
    ("date-feb-30.yaml", "id: XY-H-36\nstatus: received\nreceived_at: 2013-02-30\n", 3, "无法识别的值“2013-02-30”"),
    ("date-month-13.yaml", "id: XY-H-37\nstatus: received\nreceived_at: 2013-13-01\n", 3, "received_at:"),
    ("date-hour-25.yaml", "id: XY-H-38\nstatus: received\nreceived_at: 2013-01-10 25:00\n", 3, "received_at:"),
    ("date-bad-offset.yaml", "id: XY-H-39\nstatus: received\nreceived_at: 2013-01-10T10:00:00+99:00\n", 3, "received_at:"),
    ("date-word.yaml", "id: XY-H-40\nstatus: received\nreceived_at: 昨天\n", 3, "received_at:"),
    ("date-order.yaml", seed_with(len(SEED_LINES) + 1, "").replace("resolved_at: '2013-01-14'", "resolved_at: '2013-01-09'")
     .replace("XY-2013-000042", "XY-H-41"), SEED.splitlines().index("resolved_at: '2013-01-14'") + 1, "办结日期早于受理日期"),
]


def catalogue_dir(root: Path, entries=CATALOGUE) -> Path:
    cases = write_cases(root, {"2013/01/XY-2013-000042.yaml": make_case()})
    for name, content, _, _ in entries:
        path = cases / "hostile" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return cases


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A published site of the seed case, built once; tests copy it."""
    root = tmp_path_factory.mktemp("published")
    cases = write_cases(root / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})
    result = hotline("build", "--cases", cases, "--output", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def hotline(*argv, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command in its own process: a crash or a hang cannot take pytest down."""
    return subprocess.run([BIN / "hotline", *map(str, argv)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "CI": "1"})


def copy_of(published: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(published, out, symlinks=True)
    return out


def assert_refused(result: subprocess.CompletedProcess, out: Path, before: dict[str, bytes]) -> None:
    """Exit 1, a message, no traceback, the published site untouched, no leftovers."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert tree(out) == before
    beside = sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".out."))
    assert beside in ([], [".out.cache"], [".out.lock"], [".out.cache", ".out.lock"])
    assert not (out.parent / ".out.staging").exists()


@pytest.mark.parametrize("name, content, line, words", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_each_hostile_file_gives_one_clear_problem(tmp_path, monkeypatch, name, content, line, words):
    monkeypatch.chdir(tmp_path)
    cases = catalogue_dir(tmp_path / "cases", [(name, content, line, words)])
    result, problems = load_cases(cases, TZ)
    assert result is None
    assert problems, name
    assert {p.file for p in problems} == {f"cases/hostile/{name}"}, [str(p) for p in problems]
    assert any(p.line == line and words in str(p) for p in problems), [str(p) for p in problems]
    assert not any("\x1b" in str(p) or "\n" in str(p) for p in problems)
    assert not (tmp_path / "PWNED").exists()


def test_whole_catalogue_in_one_build_lists_every_file_and_keeps_the_site(tmp_path, published):
    """All at once through the real command: every file named with its line,
    and the published site is byte for byte what it was."""
    out = copy_of(published, tmp_path)
    before = tree(out)
    cases = catalogue_dir(tmp_path / "cases")
    result = hotline("build", "--cases", cases, "--output", out)
    assert_refused(result, out, before)
    for name, _, line, _ in CATALOGUE:
        assert f"{cases}/hostile/{name}:{line}: " in result.stderr, name
    assert "\x1b" not in result.stderr
    assert not (tmp_path / "PWNED").exists() and not (ROOT / "PWNED").exists()


def test_a_byte_order_mark_is_accepted(tmp_path, run):
    """Windows Notepad's UTF-8 with BOM is still UTF-8: the case is published."""
    cases = write_cases(tmp_path / "cases", {})
    (cases / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + SEED.encode())
    code, _, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0, stderr
    assert (tmp_path / "out" / "cases" / "XY-2013-000042.html").is_file()


@pytest.mark.parametrize("shape", [
    pytest.param(lambda n: "complaint: " + "[" * n + "]" * n + "\n", id="flow-sequences"),
    pytest.param(lambda n: "complaint: " + "{a: " * n + "1" + "}" * n + "\n", id="flow-mappings"),
    pytest.param(lambda n: "complaint:\n" + "- " * n + "x\n", id="block-sequences-on-one-line"),
    pytest.param(lambda n: "complaint:\n" + "? " * n + "x\n", id="explicit-keys"),
    pytest.param(lambda n: "complaint: " + "[" * n + "\n", id="unclosed"),
])
@pytest.mark.parametrize("levels", [10_000, 100_000])
def test_deep_nesting_is_refused_quickly_in_its_own_process(tmp_path, shape, levels):
    """libyaml's composer recurses in C: 100,000 levels used to kill the
    process (SIGSEGV) and 100,000 flow levels took minutes. So the reader
    runs in a process of its own here, with a time limit."""
    path = tmp_path / "deep.yaml"
    path.write_text(case_text("XY-DEEP", shape(levels)), "utf-8")
    code = "import sys; from pathlib import Path; from hotline.load.records import read_yaml; print(*read_yaml(Path(sys.argv[1]))[1], sep='\\n')"
    result = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{path}:4: " in result.stdout or f"{path}:5: " in result.stdout, result.stdout
    assert any(w in result.stdout for w in ("嵌套过深", "YAML 语法错误", "键不是简单的名称")), result.stdout


def test_nesting_one_level_too_deep_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(case_text("XY-DEEP", "complaint: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"))
    _, problems = read_yaml(path)
    assert [(p.line, p.message) for p in problems] == [(4, f"嵌套过深（超过 {MAX_DEPTH} 层）")]


def test_large_files_and_long_lines_are_refused_without_reading_them(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {})
    with open(cases / "fifty-mb.yaml", "wb") as f:
        f.write(case_text("XY-BIG").encode() + b"complaint: " + b"x" * (50 * 2**20) + b"\n")
    (cases / "long-line.yaml").write_text(case_text("XY-LONG", "complaint: " + "停" * (5 * 2**20 // 3) + "\n"), "utf-8")
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    assert "fifty-mb.yaml: 文件过大" in stderr and "long-line.yaml: 文件过大" in stderr
    assert len(stderr) < 5000


def test_a_long_line_under_the_limit_is_read(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {})
    (cases / "long.yaml").write_text(case_text("XY-LONG", "complaint: " + "停水" * 150_000 + "\n"), "utf-8")
    code, stdout, stderr = run("check", "--cases", cases)
    assert code == 0, stderr


def test_a_symlinked_case_file_or_directory_is_refused_and_never_read(tmp_path, run):
    """Nothing below CASES_PATH may be a symbolic link: a link could publish
    a file from anywhere on the machine, or the same case twice."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(case_text("XY-OUT", "complaint: 机密\n"), "utf-8")
    cases = write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})
    (cases / "linked-file.yaml").symlink_to(outside / "secret.yaml")
    (cases / "linked-dir").symlink_to(outside)
    (cases / "inside-link.yaml").symlink_to(cases / "2013" / "01" / "XY-2013-000042.yaml")
    (cases / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    for name in ("linked-file.yaml", "linked-dir", "inside-link.yaml", "dangling.yaml"):
        assert f"cases/{name}: 是符号链接" in stderr, name
    assert "XY-OUT" not in stderr and "重复" not in stderr


def test_hidden_symlinks_are_ignored_like_any_hidden_name(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})
    (cases / "_drafts").symlink_to(tmp_path)
    (cases / ".old.yaml").symlink_to("/dev/zero")
    code, _, stderr = run("check", "--cases", cases)
    assert code == 0, stderr


def test_the_cases_directory_itself_may_be_a_symlink(tmp_path, run):
    real = write_cases(tmp_path / "real", {"2013/01/XY-2013-000042.yaml": make_case()})
    (tmp_path / "cases").symlink_to(real)
    code, _, stderr = run("check", "--cases", tmp_path / "cases")
    assert code == 0, stderr


@pytest.mark.parametrize("kind", ["dev-zero-link", "fifo"])
def test_a_device_or_pipe_never_blocks_the_build(tmp_path, kind):
    cases = write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})
    if kind == "fifo":
        os.mkfifo(cases / "pipe.yaml")
    else:
        (cases / "zero.yaml").symlink_to("/dev/zero")
    try:
        result = hotline("check", "--cases", cases, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("the check hung on a pipe or device")
    assert result.returncode == 1
    assert ("pipe.yaml: 不是普通文件" if kind == "fifo" else "zero.yaml: 是符号链接") in result.stderr


@pytest.mark.parametrize("kind", ["dev-zero-link", "fifo"])
def test_the_reader_refuses_a_device_or_pipe_without_opening_it(tmp_path, kind):
    path = tmp_path / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    source, problems = read_yaml(path)
    assert source.data is None and len(problems) == 1
    assert ("不是普通文件" if kind == "fifo" else "是符号链接（指向 /dev/zero）") in problems[0].message


def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {})
    (cases / "bad\x1b[31m\nname.yaml").write_text("id: [\n", "utf-8")
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    assert "bad\\u001b[31m\\u000aname.yaml:2: " in stderr
    assert "\x1b" not in stderr


def test_values_echoed_in_messages_are_short_and_escaped(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {
        "a.yaml": make_case(id="XY-A", category="\x1b]0;pwned\x07"),
        "b.yaml": make_case(id="XY-B", **{"\x1b[2J": "x"}),
        "c.yaml": make_case(id="XY-C", category="很长" * 1000),
    })
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    assert "\x1b" not in stderr and "\x07" not in stderr
    assert "a.yaml:13: category: 含有控制字符 U+001B" in stderr
    assert "b.yaml:" in stderr and "未知的键“\\u001b[2J”" in stderr
    assert "c.yaml:13: category: “" + "很长" * 15 + "…”不在categories.yaml中" in stderr
    assert len(stderr) < 3000


@pytest.mark.parametrize("ids", [("XY-2013-9", "xy-2013-9"), ("XY-2013-9", "XY-2013-9"), ("Ab-1", "aB-1")])
def test_case_colliding_ids_are_refused(tmp_path, run, ids):
    """Two ids that differ only in case would be one page on a case-insensitive disk."""
    cases = write_cases(tmp_path / "cases", {
        "a/one.yaml": make_case(id=ids[0]),
        "b/two.yaml": make_case(id=ids[1]),
    })
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    assert "b/two.yaml:1: id: 案件编号与 " in stderr and "a/one.yaml" in stderr and "必须唯一" in stderr


def test_file_names_that_differ_only_in_case_are_separate_cases(tmp_path, run):
    """File names do not matter (ids do): Case.yaml and case.yaml may both exist here."""
    cases = write_cases(tmp_path / "cases", {"Case.yaml": make_case(id="XY-1"), "case.yaml": make_case(id="XY-2")})
    code, stdout, stderr = run("build", "--cases", cases, "--output", tmp_path / "out")
    assert code == 0, stderr
    assert {p.name for p in (tmp_path / "out" / "cases").glob("XY-*.html")} == {"XY-1.html", "XY-2.html"}


REGISTRY_CASES = [
    ("missing", None, 0, "缺少{noun}登记表"),
    ("empty", "", 1, "文件是空的（应为{noun}列表"),
    ("comments", "# 待补\n", 1, "文件只有注释"),
    ("bad-yaml", "- name: [城管\n", 2, "YAML 语法错误"),
    ("mapping", "name: 城市管理\n", 1, "{noun}登记表应为非空的列表"),
    ("empty-list", "[]\n", 1, "{noun}登记表应为非空的列表"),
    ("strings", "- 城市管理\n", 1, "每个{noun}应为键值对"),
    ("no-name", "- slug: x\n", 1, "缺少名称 name"),
    ("blank-name", "- name: '  '\n", 1, "缺少名称 name"),
    ("duplicate", "- name: 城市管理\n- name: 城市管理\n", 2, "重复"),
    ("unknown-key", "- name: 城市管理\n  colour: red\n", 2, "未知的键“colour”"),
    ("unknown-key-newline", '- name: 城市管理\n  "\\n": red\n', 2, "未知的键“\\u000a”"),
    ("alias", "- &a {name: 城市管理}\n- *a\n", 1, "不支持 YAML 别名"),
    ("tag", "- !!python/object:x {name: 城市管理}\n", 1, "不支持 YAML 标签"),
    ("gbk", "- name: 城市管理\n".encode("gbk"), 1, "不是 UTF-8 编码"),
    ("nul", "- name: 城市\0管理\n", 1, "NUL 字符"),
    ("symlink", "LINK", 0, "是符号链接"),
]


@pytest.mark.parametrize("registry, noun", [("departments.yaml", "部门"), ("categories.yaml", "类别"), ("districts.yaml", "区县")])
@pytest.mark.parametrize("kind, content, line, words", REGISTRY_CASES, ids=[c[0] for c in REGISTRY_CASES])
def test_broken_registries_are_clear_problems(tmp_path, monkeypatch, registry, noun, kind, content, line, words):
    monkeypatch.chdir(tmp_path)
    cases = write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case()})
    path = cases / registry
    if content is None:
        path.unlink()
    elif content == "LINK":
        (tmp_path / "elsewhere.yaml").write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(tmp_path / "elsewhere.yaml")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    result, problems = load_cases(cases, TZ)
    assert result is None
    mine = [p for p in problems if p.file.endswith(registry)]
    assert any(p.line == line and words.format(noun=noun) in str(p) for p in mine), [str(p) for p in problems]


@pytest.mark.parametrize("entry, words", [
    ({"name": "市公安局", "phone": True}, "电话应为文字"),
    ({"name": "市公安局", "phone": [6520119]}, "电话应为文字"),
    ({"name": "市公安局", "aliases": "公安局"}, "别名应为文字列表"),
    ({"name": "市公安局", "aliases": ["市城管局"]}, "“市城管局”重复"),
])
def test_wrong_department_entries_are_refused(tmp_path, monkeypatch, entry, words):
    monkeypatch.chdir(tmp_path)
    cases = write_cases(tmp_path / "cases", {}, departments=[DEPARTMENTS[0], entry])
    result, problems = load_cases(cases, TZ)
    assert result is None
    assert any(words in str(p) and p.file == "cases/departments.yaml" for p in problems), [str(p) for p in problems]


def test_a_missing_or_wrong_cases_directory_is_one_clear_error(tmp_path, run):
    code, _, stderr = run("build", "--cases", tmp_path / "nope", "--output", tmp_path / "out")
    assert code == 1 and "案件目录不存在" in stderr and "Traceback" not in stderr
    (tmp_path / "file").write_text("x")
    code, _, stderr = run("build", "--cases", tmp_path / "file", "--output", tmp_path / "out")
    assert code == 1 and "案件目录不存在" in stderr
    assert not (tmp_path / "out").exists()


def test_three_thousand_bad_files_are_all_counted_and_the_listing_is_bounded(tmp_path, published):
    out = copy_of(published, tmp_path)
    before = tree(out)
    bad = {f"bad/{i:04d}.yaml": "id: [\n" for i in range(3000)}
    cases = write_cases(tmp_path / "cases", {"2013/01/XY-2013-000042.yaml": make_case(), **bad})
    result = hotline("build", "--cases", cases, "--output", out)
    assert_refused(result, out, before)
    assert "共发现 3000 个问题，涉及 3000 个文件" in result.stderr
    assert f"{cases}/bad/0000.yaml:2: YAML 语法错误" in result.stderr
    assert "另有 " in result.stderr
    assert len(result.stderr.splitlines()) < 260
    assert len(result.stdout.splitlines()) < 20


def test_thousands_of_problems_in_one_file_are_bounded(tmp_path, run):
    cases = write_cases(tmp_path / "cases", {"dup.yaml": "id: XY-DUP\n" + "status: received\n" * 20_000})
    code, _, stderr = run("check", "--cases", cases)
    assert code == 1
    assert "dup.yaml:3: status: 重复的键" in stderr
    assert len(stderr.splitlines()) < 600
