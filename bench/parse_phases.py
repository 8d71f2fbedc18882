"""Where a cold load of bank files spends its time: YAML events, YAML values, bank format.

    python bench/make_large.py banks /tmp/b10k --questions 10000 --files 20
    python bench/parse_phases.py /tmp/b10k --rounds 5

Times one process, single-threaded, with the garbage collector paused as
loading pauses it (``bankcache.gc_paused``), and prints the median over rounds
of each phase's CPU time (``time.process_time``, steadier than wall time on a
shared machine):

- events: PyYAML's (C) parser alone, every event fetched (the floor under any YAML reading here);
- values: the rest of ``yamlfile.parse_yaml``, events (or nodes) to values with lines;
- yaml: ``yamlfile.parse_yaml`` whole, the sum of the two;
- bankformat: ``bank_entries`` and ``parse_question`` on those values;
- parse_file: ``loader.parse_file`` on every file, all of the above end to end.

To compare two versions in the same run, point PYTHONPATH at each checkout in
turn and interleave the runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path

from dlquiz import yamlfile
from dlquiz.bankformat import bank_entries, parse_question
from dlquiz.loader import parse_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if p.suffix in (".yaml", ".yml"))
    texts = [path.read_text(encoding="utf-8") for path in files]
    parse_file(files[0], str(files[0]))  # imports (expressions, solvers) are not part of any phase
    clock = time.process_time
    times: dict[str, list[float]] = {}

    def timed(phase: str, start: float) -> None:
        times.setdefault(phase, []).append(clock() - start)
        gc.collect()

    gc.disable()
    for _ in range(args.rounds):
        start = clock()
        for text in texts:
            loader = yamlfile._BankLoader(text)
            while loader.get_event() is not None:
                pass
            loader.dispose()
        timed("events", start)
        start = clock()
        data = [yamlfile.parse_yaml(text, str(path)) for text, path in zip(texts, files, strict=True)]
        timed("yaml", start)
        start = clock()
        for value, path in zip(data, files, strict=True):
            defaults, entries = bank_entries(value, str(path))
            for raw in entries:
                parse_question(raw, str(path), defaults, default_topic=path.stem)
        timed("bankformat", start)
        del data
        gc.collect()
        start = clock()
        built = [parse_file(path, str(path)) for path in files]
        timed("parse_file", start)
        del built
        gc.collect()
    median = {phase: statistics.median(values) for phase, values in times.items()}
    median["values"] = median["yaml"] - median["events"]
    order = ("events", "values", "yaml", "bankformat", "parse_file")
    print(json.dumps({phase: round(median[phase], 3) for phase in order}))


if __name__ == "__main__":
    main()
