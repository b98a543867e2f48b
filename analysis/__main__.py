"""Command line of the analysis package: /usr/bin/python3 -m analysis COMMAND --help."""
import sys

from .cli import main

sys.exit(main())
