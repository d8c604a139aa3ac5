"""`hotline`: the command staff use. One module per verb in `commands/`.

Exit codes: 0 success; 1 the input or the build has problems (all listed;
with `check --strict` warnings too); 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import re
import sys

from hotline.commands import build, check, column, deploy, importer, new, serve, watch
from hotline.problems import BuildFailed, HotlineError

COMMANDS = (build, check, new, importer, serve, watch, column, deploy)

# argparse's own English messages, in Chinese. Patterns match Python 3.11's wording.
_MESSAGES = (
    (r"the following arguments are required: (.+)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1（用 -h 查看可用的选项）"),
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1：没有 \2 这一项（可选：\3）"),
    (r"argument (.+?): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (.+?): invalid (\w+) value: (.+)", r"参数 \1：\3 不是有效的值"),
    (r"argument (.+?): not allowed with argument (.+)", r"参数 \1 不能和 \2 一起使用"),
    (r"ambiguous option: (.+?) could match (.+)", r"选项 \1 不明确，可能是：\2"),
    (r"argument (.+?): (.+)", r"参数 \1：\2"),
)


def chinese(message: str) -> str:
    """An argparse error message in Chinese (unchanged if not recognised)."""
    for pattern, replacement in _MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action):
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):  # drop the "命令" line above the verbs
            text = text.split("\n", 1)[1]
        return text


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, help and errors are in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{chinese(message)}\n")


def parser() -> Parser:
    p = Parser(
        prog="hotline",
        description="市长热线 12345 网站工具：检查案件文件、新建案件、从登记表导入、生成和预览网站、出报纸专栏稿、发布到网站服务器。",
        epilog="每个命令都有自己的帮助，例如 hotline import -h。\n"
        "退出码：0 成功；1 案件、登记表或构建有问题（问题全部列出）；2 命令行写错了。",
    )
    p.add_argument("--settings", default="pelicanconf.py", metavar="文件", help="设置文件（默认 pelicanconf.py）")
    sub = p.add_subparsers(dest="command", required=True, title="命令", metavar="命令")
    for command in COMMANDS:
        command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:  # --help (0) or a mistake on the command line (2)
        return e.code if isinstance(e.code, int) else 2
    try:
        return args.run(args)
    except BuildFailed as e:
        print(e.code, file=sys.stderr)
        return 1
    except HotlineError as e:
        print(e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n已中断；已发布的网站保持不变。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
