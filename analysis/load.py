"""Loading btsim output into numpy: a run (one HDF5 file, docs/hdf5-schema.md) or a sweep
(a directory holding summary.h5 with one row per run).

    run = load("out/default.h5")
    run.series("dividends")          # [epochs x peers] float64, from /epochs/dividends
    run.by_group(run.series("emission"))   # (group names, [epochs x groups]) sums
    run.frame("dividends")           # a pandas DataFrame, when pandas is installed

A sweep's DIR/summary.h5 holds one row per run. The loader takes every 1-D dataset of the
common length R (outside /peers, which the writer leaves empty) as a column (R runs), named
by its path without the leading slash
("params/mechanism.kappa", "metrics/cabal/emission_share"); Sweep.column also accepts a unique
ending of that path ("mechanism.kappa", "cabal/emission_share").
"""
import json
import os

import h5py
import numpy as np

# Datasets a run may lack, and how to get them.
HINTS = {
    "/epochs/bonds": "run the scenario with --set output.bonds=true",
    "/epochs/weights": "run the scenario with --set output.weights=true",
    "/fixed": "run the scenario with --set mechanism.arithmetic=fixed",
    "/epochs/alignment": "only runs with synthetic models write it",
}


class LoadError(Exception):
    """A file that is not a btsim run or sweep, or lacks what a command needs."""


class MissingDataset(LoadError):
    def __init__(self, path, dataset):
        hint = next((h for prefix, h in HINTS.items() if dataset.startswith(prefix)), None)
        msg = f"{path} has no dataset {dataset}"
        super().__init__(msg + (f" ({hint})" if hint else ""))
        self.dataset = dataset


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _read_all(group, prefix=""):
    """Every dataset under group as numpy arrays, keyed by absolute path."""
    out = {}
    for key, item in group.items():
        path = f"{prefix}/{key}"
        if isinstance(item, h5py.Dataset):
            data = item[()]
            if item.dtype.kind in "OS":
                data = np.array([_text(v) for v in np.atleast_1d(data)], dtype=object)
            out[path] = data
        elif isinstance(item, h5py.Group):
            out.update(_read_all(item, path))
    return out


class Run:
    """A complete btsim run, fully read into memory (the file is closed afterwards).

    attrs: root attributes (name, mechanism, arithmetic, seed, schema_version, ...);
    scenario: the stored scenario, parsed; names, groups: per peer; data: path -> array;
    units: path -> the dataset's "units" attribute where it has one."""

    def __init__(self, path):
        self.path = path
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            raise LoadError(f"cannot read {path} as HDF5: {e}") from None
        with f:
            self.attrs = {k: (_text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item") else v)
                          for k, v in f.attrs.items()}
            if self.attrs.get("complete") != 1:
                raise LoadError(f"{path} is not a complete btsim run (no \"complete\" attribute = 1)")
            self.data = _read_all(f)
            self.units = {}
            f.visititems(lambda k, v: self.units.__setitem__("/" + k, _text(v.attrs["units"]))
                         if isinstance(v, h5py.Dataset) and "units" in v.attrs else None)
        for needed in ("/peers/name", "/peers/group", "/epochs/stake"):
            if needed not in self.data:
                raise MissingDataset(path, needed)
        self.names = list(self.data["/peers/name"])
        self.groups = [g or "(none)" for g in self.data["/peers/group"]]
        self.n = len(self.names)
        self.epochs = self.data["/epochs/stake"].shape[0]
        self.scenario = json.loads(self.attrs.get("scenario", "{}") or "{}")
        self.name = self.attrs.get("name", os.path.basename(path))

    # -- datasets --

    def has(self, dataset):
        return self._path(dataset) in self.data

    def get(self, dataset):
        """A dataset by full path ("/summary/emission") or by /epochs name ("dividends")."""
        path = self._path(dataset)
        if path not in self.data:
            raise MissingDataset(self.path, path)
        return self.data[path]

    def series(self, name):
        """An [epochs x peers] (or [epochs x peers x peers]) series from /epochs."""
        return self.get(name if name.startswith("/") else "/epochs/" + name)

    def summary(self, name):
        return self.get("/summary/" + name)

    def bonds(self):
        return self.series("bonds")

    def weights(self):
        return self.series("weights")

    def datasets(self):
        return sorted(self.data)

    @staticmethod
    def _path(dataset):
        return dataset if dataset.startswith("/") else "/epochs/" + dataset

    # -- peers and groups --

    def group_names(self):
        """Groups in order of first appearance."""
        return list(dict.fromkeys(self.groups))

    def by_group(self, values):
        """Sums the last axis (peers) per group: (group names, array [..., groups])."""
        names = self.group_names()
        values = np.asarray(values, dtype=float)
        out = np.stack([values[..., [g == name for g in self.groups]].sum(axis=-1) for name in names], axis=-1)
        return names, out

    def peer_index(self, names):
        """Indices of the named peers; LoadError naming the unknown ones."""
        unknown = [p for p in names if p not in self.names]
        if unknown:
            raise LoadError(f"{self.path}: no peer named {', '.join(unknown)}")
        return [self.names.index(p) for p in names]

    def validators(self):
        """Peers that ever held a permit with non-zero stake (those that can earn dividends)."""
        permit = self.get("/epochs/validator_permit").astype(bool)
        stake = self.series("stake") > 0
        return [i for i in range(self.n) if (permit[:, i] & stake[:, i]).any()]

    def bonds_penalty(self):
        """The run's bonds penalty (the chain's default, 1, when the scenario leaves it out)."""
        return float(self.scenario.get("mechanism", {}).get("bonds_penalty", 1.0))

    def label(self):
        """A short label of the mechanism: kind, arithmetic, and liquid alpha when it is on."""
        mech = self.scenario.get("mechanism", {})
        text = self.attrs.get("mechanism", "?")
        if text == "yuma3" and mech.get("liquid_alpha", {}).get("enabled"):
            text += " + liquid alpha"
        return text

    # -- pandas --

    def frame(self, name):
        """A series as a pandas DataFrame (index: epoch, columns: peer names)."""
        pd = _pandas()
        values = self.series(name)
        if values.ndim != 2:
            raise LoadError(f"{name} is {values.ndim}-D; frame() takes [epochs x peers] series")
        return pd.DataFrame(values, index=pd.RangeIndex(self.epochs, name="epoch"), columns=self.names)


class Sweep:
    """A sweep directory: DIR/summary.h5 whose equal-length 1-D datasets are the columns."""

    def __init__(self, directory):
        self.path = directory
        self.summary_path = os.path.join(directory, "summary.h5")
        if not os.path.exists(self.summary_path):
            raise LoadError(f"{directory} is a directory without summary.h5 (not a sweep directory)")
        try:
            f = h5py.File(self.summary_path, "r")
        except OSError as e:
            raise LoadError(f"cannot read {self.summary_path} as HDF5: {e}") from None
        with f:
            self.attrs = {k: _text(v) if isinstance(v, (bytes, str)) else v for k, v in f.attrs.items()}
            data = {k: v for k, v in _read_all(f).items() if np.ndim(v) == 1 and not k.startswith("/peers/")}
        lengths = {len(v) for v in data.values()}
        if len(lengths) != 1:
            raise LoadError(f"{self.summary_path}: expected 1-D datasets of one common length (one row per run), "
                            f"found lengths {sorted(lengths) or 'none'}")
        self.rows = lengths.pop()
        self.columns = {k.lstrip("/"): v for k, v in data.items()}

    def column(self, name):
        """A column by its path ("metrics/cabal/emission_share") or by a unique ending of it
        that starts after a slash ("cabal/emission_share", "mechanism.kappa")."""
        name = name.lstrip("/")
        if name in self.columns:
            return self.columns[name]
        found = [k for k in self.columns if k.endswith("/" + name)]
        if len(found) == 1:
            return self.columns[found[0]]
        what = f"several columns end in {name!r}: {', '.join(found)}" if found else \
            f"no column {name!r} (columns: {', '.join(sorted(self.columns))})"
        raise LoadError(f"{self.summary_path}: {what}")

    def run_path(self, row):
        """The HDF5 file of the run in `row` (from /runs/file, relative to the directory)."""
        return os.path.join(self.path, self.column("runs/file")[row])

    def frame(self):
        return _pandas().DataFrame(self.columns)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise LoadError("pandas is not installed (Debian: apt-get install python3-pandas); "
                        "use the numpy arrays instead") from None
    return pandas


def load(path):
    """A Run for a file, a Sweep for a directory."""
    if os.path.isdir(path):
        return Sweep(path)
    if not os.path.exists(path):
        raise LoadError(f"cannot open {path}: no such file")
    return Run(path)
