"""Check an RPGBench file and print counts per split and subset.

    python -m remid.data.validate PATH [--skip-invalid]

Exits 1 and names sample_ID, field and problem (first 20) when any record is invalid.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from remid.data.readers import DataFormatError, iter_records, parse_records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m remid.data.validate", description=__doc__.splitlines()[0])
    parser.add_argument("path", help="RPGBench .json (split -> samples), .jsonl, or hub dataset id")
    parser.add_argument("--skip-invalid", action="store_true", help="count the valid records and report the rest")
    args = parser.parse_args(argv)
    try:
        samples, errors = parse_records(iter_records(args.path), skip_invalid=True, source=args.path)
    except (DataFormatError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = Counter((s.sample_id.rsplit("-", 1)[0], s.shift_family, s.subset) for s in samples)
    print(f"{'split':<12} {'family':<10} {'subset':<12} {'n':>6}")
    for (split, family, subset), n in sorted(counts.items()):
        print(f"{split:<12} {family:<10} {subset:<12} {n:>6}")
    print(f"{len(samples)} valid sample(s)")
    if errors:
        print(f"{len(errors)} problem(s):", file=sys.stderr)
        for error in errors[:20]:
            print(f"  {error}", file=sys.stderr)
        if len(errors) > 20:
            print(f"  ... and {len(errors) - 20} more", file=sys.stderr)
        return 0 if args.skip_invalid else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
