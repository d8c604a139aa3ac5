"""Where a site is deployed: `user@host:/path` on a web server reached over SSH."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from hotline.problems import ConfigError

_TARGET = re.compile(r"(?:(?P<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@)?(?P<host>[A-Za-z0-9._-]+):(?P<path>/\S*)")
EXAMPLE = "deploy@www.example.gov.cn:/srv/hotline"


@dataclass(frozen=True, slots=True)
class Target:
    """`user@host:/path`: the folder on the server that holds `releases/` and `current`."""

    user: str  # "" for ssh's default (the local user, or ~/.ssh/config)
    host: str
    path: str  # absolute, without a trailing slash

    @property
    def login(self) -> str:
        """What ssh connects to: `user@host` or `host`."""
        return f"{self.user}@{self.host}" if self.user else self.host

    def __str__(self) -> str:
        return f"{self.login}:{self.path}"


def parse_target(text: str, where: str) -> Target:
    """`text` as a Target; ConfigError naming `where` (the setting or option) if it is not one."""
    m = _TARGET.fullmatch(text.strip()) if isinstance(text, str) else None
    path = m.group("path").rstrip("/") if m else ""
    if m is None or not path or "/../" in f"{path}/":
        raise ConfigError(
            f"{where} “{text}” 不是有效的发布目标（应为 用户@服务器:/绝对路径，如 {EXAMPLE}；路径里不能有 ..，也不能是根目录 /）"
        )
    return Target(m.group("user") or "", m.group("host"), path)


def target_setting(value: Any) -> str:
    """HOTLINE['DEPLOY_TARGET']: "" (none) or a valid target, kept as text."""
    if value == "":
        return value
    parse_target(value, "设置错误：HOTLINE['DEPLOY_TARGET']")
    return value.strip()
