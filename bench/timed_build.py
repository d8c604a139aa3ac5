"""`hotline build` with a stopwatch on each stage, for the benchmark.

    .venv/bin/python bench/timed_build.py STAGES.json [hotline arguments …]

Runs `hotline.cli.main(arguments)` in this process, exactly as the
`hotline` command does, after wrapping the build's stages (reading the
cases, the guard, each output, withholding small counts in the statistics,
Pelican's own generators, publishing) in
timers. The timings go to STAGES.json: per stage the number of calls, the
inclusive time and the exclusive time (without the timed stages it called,
e.g. an output without the guard checks it made). Stages timed in forked
worker processes are added in, so with several processes a stage's time is
process-seconds, not wall time. Wrappers cost about a microsecond per call.
Stages that the code no longer has are left out.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the imports: they are part of a build

import atexit  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from pelican import Pelican, generators  # noqa: E402

from hotline import cli  # noqa: E402
from hotline.build import generator, guard, output, parallel  # noqa: E402
from hotline.build import pelican as build  # noqa: E402
from hotline.stats import disclosure  # noqa: E402


class Stopwatch:
    """Inclusive and exclusive time per label; nested labels are subtracted."""

    def __init__(self) -> None:
        self.stats: dict[str, list[float]] = {}  # label -> [calls, inclusive, exclusive]
        self.stack: list[list[float]] = []  # per open call: [time spent in timed callees]

    def wrap(self, owner, name: str, label: str) -> None:
        function = getattr(owner, name, None)
        if function is None:
            return

        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.stack.append([0.0])
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                inner = self.stack.pop()[0]
                if self.stack:
                    self.stack[-1][0] += spent
                entry = self.stats.setdefault(label, [0, 0.0, 0.0])
                entry[0] += 1
                entry[1] += spent
                entry[2] += spent - inner

        setattr(owner, name, timed)

    def count_workers(self) -> None:
        """Add the stages timed in forked worker processes (parallel.py) to
        this process's: a worker starts from zero and sends its times back."""
        original = parallel.run_shares
        parent = os.getpid()

        def run_shares(work, parts):
            def timed_work(part):
                if os.getpid() == parent:
                    return work(part), {}
                self.stats, self.stack = {}, []
                return work(part), self.stats

            results = original(timed_work, parts)
            for _, stats in results[1:]:
                for label, (calls, inclusive, exclusive) in stats.items():
                    entry = self.stats.setdefault(label, [0, 0.0, 0.0])
                    entry[0] += calls
                    entry[1] += inclusive
                    entry[2] += exclusive
            return [result for result, _ in results]

        parallel.run_shares = output.run_shares = run_shares


def main() -> int:
    target, argv = sys.argv[1], sys.argv[2:]
    watch = Stopwatch()
    watch.wrap(generator, "load_cases", "读取案件 load_cases")
    watch.wrap(generator, "load_state", "读取案件 load_state")
    watch.wrap(guard.Guard, "__init__", "隐私检查：建立自动机")
    watch.wrap(guard.Guard, "check", "隐私检查：逐个文件")
    watch.wrap(guard.Guard, "check_tree", "隐私检查：最后全树")
    for name in ("prepare_staging", "swap_in"):
        watch.wrap(build, name, f"发布 {name}")
    watch.wrap(build.Build, "_link_unchanged", "发布 _link_unchanged")
    for cls in (generators.PagesGenerator, generators.StaticGenerator, generators.TemplatePagesGenerator):
        watch.wrap(cls, "generate_context", f"Pelican {cls.__name__}")
        watch.wrap(cls, "generate_output", f"Pelican {cls.__name__}")
    watch.wrap(disclosure, "suppress", "统计：小数字不写出 suppress")  # worked out once, before the outputs
    watch.wrap(Pelican, "run", "Pelican.run")
    watch.count_workers()
    for phase in ("RENDER", "POST_BUILD"):
        outputs = list(getattr(generator, phase))
        for i, function in enumerate(outputs):
            holder = type("Holder", (), {"f": staticmethod(function)})
            watch.wrap(holder, "f", f"输出 {function.__name__}")
            outputs[i] = holder.f
        setattr(generator, phase, tuple(outputs))

    def save() -> None:
        stages = {k: {"calls": int(c), "inclusive": round(i, 4), "exclusive": round(e, 4)} for k, (c, i, e) in watch.stats.items()}
        data = {"wall": round(time.perf_counter() - STARTED, 4), "stages": stages}
        with open(target, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)

    atexit.register(save)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
