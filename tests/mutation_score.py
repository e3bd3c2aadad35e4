"""`make mutation`'s report: the share of mutants killed in one rule module, from mutmut's results.
Fails (exit 1) below 90 %. Usage: python tests/mutation_score.py placements.attendance.rules"""

import json
import sys
from pathlib import Path

# mutmut 3's exit codes per mutant: 1 killed (a test failed), 0 survived, 33 no tests, 36 timeout
# (counted as killed: the mutant hung the rule), 34 skipped, 35 suspicious, 24/152 interrupted.
KILLED = {1, 3, 36, -24}
TARGET = 90.0


def main(module: str) -> int:
    meta = Path("mutants") / (module.replace(".", "/") + ".py.meta")
    data = json.loads(meta.read_text())
    codes = [code for code in data["exit_code_by_key"].values() if code is not None]
    if not codes:
        print(f"{module}: no mutants checked")
        return 1
    killed = sum(1 for code in codes if code in KILLED)
    survivors = sorted(
        key for key, code in data["exit_code_by_key"].items() if code is not None and code not in KILLED
    )
    score = 100 * killed / len(codes)
    print(f"{module}: {killed} of {len(codes)} mutants killed ({score:.1f} %)")
    for key in survivors:
        print(f"    survived: {key}")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
