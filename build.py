"""akhbar's command line: `python build.py build | serve | new | fmt` (see README)."""

from akhbar.cli import main

raise SystemExit(main())
