"""Allow ``python -m sfdoctor``."""

from sfdoctor.cli import main

raise SystemExit(main())
