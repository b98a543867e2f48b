"""btsim's analysis package: load runs and sweeps (load.py) and draw them (plots.py, sweeps.py,
grid.py). Command line: /usr/bin/python3 -m analysis --help. `make figures` runs figures.py."""
from .load import LoadError, MissingDataset, Run, Sweep, load  # noqa: F401
