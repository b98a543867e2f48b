"""The loader: a run read back equals what is in the file; groups, peers and missing datasets;
sweep directories (DIR/summary.h5 in the layout of btsim sweep)."""
import json
import os
import unittest

import h5py
import numpy as np

from analysis import LoadError, MissingDataset, Run, Sweep, load
from helpers import TMP, run_path


def walk(f):
    out = {}
    f.visititems(lambda k, v: out.__setitem__("/" + k, v[()]) if isinstance(v, h5py.Dataset) else None)
    return out


class RunRoundTrip(unittest.TestCase):
    def setUp(self):
        self.path = run_path("small")
        self.run = load(self.path)

    def test_every_dataset_equals_the_file(self):
        with h5py.File(self.path, "r") as f:
            raw = walk(f)
        self.assertEqual(sorted(raw), self.run.datasets())
        for key, value in raw.items():
            got = self.run.data[key]
            if value.dtype.kind == "O":
                self.assertEqual([v.decode() if isinstance(v, bytes) else v for v in value], list(got), key)
            else:
                self.assertEqual(value.dtype, got.dtype, key)
                self.assertTrue(np.array_equal(value, got, equal_nan=value.dtype.kind == "f"), key)

    def test_attributes_and_scenario(self):
        with h5py.File(self.path, "r") as f:
            self.assertEqual(self.run.attrs["seed"], int(f.attrs["seed"]))
            self.assertEqual(self.run.attrs["mechanism"], "yuma3")
            self.assertEqual(self.run.scenario, json.loads(f.attrs["scenario"]))
        self.assertEqual(self.run.name, "yuma3_kappa_moves_first")
        self.assertEqual(self.run.units["/epochs/emission"], "rao")

    def test_shapes_names_groups(self):
        r = self.run
        self.assertEqual((r.n, r.epochs), (5, 6))
        self.assertEqual(r.names, ["A", "B", "C", "S1", "S2"])
        self.assertEqual(r.group_names(), ["validator", "server"])
        self.assertEqual(r.series("dividends").shape, (6, 5))
        self.assertEqual(r.bonds().shape, (6, 5, 5))
        self.assertEqual(r.weights().shape, (6, 5, 5))
        self.assertIs(r.series("dividends"), r.get("/epochs/dividends"))
        self.assertEqual(r.validators(), [0, 1, 2])
        self.assertEqual(r.label(), "yuma3 + liquid alpha")
        self.assertEqual(r.bonds_penalty(), 0.0)

    def test_by_group_sums_the_peers(self):
        names, sums = self.run.by_group(self.run.series("emission"))
        e = self.run.series("emission")
        self.assertEqual(names, ["validator", "server"])
        self.assertTrue(np.allclose(sums[:, 0], e[:, :3].sum(axis=1), rtol=1e-15))
        self.assertTrue(np.allclose(sums[:, 1], e[:, 3:].sum(axis=1), rtol=1e-15))

    def test_unknown_peer(self):
        with self.assertRaisesRegex(LoadError, "no peer named Z"):
            self.run.peer_index(["A", "Z"])


class RunErrors(unittest.TestCase):
    def test_missing_dataset_says_how_to_get_it(self):
        run = load(run_path("plain"))
        with self.assertRaises(MissingDataset) as cm:
            run.bonds()
        self.assertIn("/epochs/bonds", str(cm.exception))
        self.assertIn("output.bonds=true", str(cm.exception))
        self.assertFalse(run.has("weights"))

    def test_no_such_file(self):
        with self.assertRaisesRegex(LoadError, "no such file"):
            load(os.path.join(TMP, "absent.h5"))

    def test_incomplete_file(self):
        path = os.path.join(TMP, "incomplete.h5")
        with h5py.File(path, "w") as f:
            f.create_dataset("/epochs/stake", data=np.zeros((2, 2)))
        with self.assertRaisesRegex(LoadError, "not a complete btsim run"):
            load(path)

    def test_not_hdf5(self):
        path = os.path.join(TMP, "text.h5")
        with open(path, "w") as f:
            f.write("hello")
        with self.assertRaisesRegex(LoadError, "cannot read"):
            load(path)

    def test_frame(self):
        run = load(run_path("small"))
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaisesRegex(LoadError, "pandas is not installed"):
                run.frame("dividends")
            return
        df = run.frame("dividends")
        self.assertEqual(list(df.columns), run.names)
        self.assertTrue(np.array_equal(df.values, run.series("dividends")))


def make_sweep(directory, rows=6):
    """A summary.h5 in the layout of btsim sweep: 3 shares x 2 kappas."""
    os.makedirs(directory, exist_ok=True)
    share = np.repeat([0.2, 0.4, 0.6], 2)[:rows]
    kappa = np.tile([0.4, 0.5], 3)[:rows]
    with h5py.File(os.path.join(directory, "summary.h5"), "w") as f:
        f.create_dataset("/runs/file", data=[f"run_{i:04d}.h5" for i in range(rows)], dtype=h5py.string_dtype())
        f.create_dataset("/params/group_share.cabal", data=share)
        f.create_dataset("/params/mechanism.kappa", data=kappa)
        f.create_dataset("/metrics/cabal/emission_share", data=share * kappa)
        f.create_dataset("/metrics/honest/emission_share", data=1 - share * kappa)
        f.create_dataset("/metrics/gini_final_stake", data=np.full(rows, 0.5))
    return directory


class SweepLoading(unittest.TestCase):
    def setUp(self):
        self.sweep = load(make_sweep(os.path.join(TMP, "sweep_load")))

    def test_columns_by_path_and_by_ending(self):
        sw = self.sweep
        self.assertIsInstance(sw, Sweep)
        self.assertEqual(sw.rows, 6)
        self.assertTrue(np.array_equal(sw.column("mechanism.kappa"), sw.column("params/mechanism.kappa")))
        self.assertTrue(np.array_equal(sw.column("cabal/emission_share"),
                                       sw.column("/metrics/cabal/emission_share")))
        self.assertEqual(list(sw.column("file"))[0], "run_0000.h5")

    def test_ambiguous_and_unknown_columns(self):
        with self.assertRaisesRegex(LoadError, "several columns end in 'emission_share'"):
            self.sweep.column("emission_share")
        with self.assertRaisesRegex(LoadError, "no column 'kapa'"):
            self.sweep.column("kapa")

    def test_directory_without_summary(self):
        empty = os.path.join(TMP, "not_a_sweep")
        os.makedirs(empty, exist_ok=True)
        with self.assertRaisesRegex(LoadError, "without summary.h5"):
            load(empty)

    def test_rows_of_different_lengths(self):
        d = os.path.join(TMP, "bad_sweep")
        make_sweep(d)
        with h5py.File(os.path.join(d, "summary.h5"), "a") as f:
            f.create_dataset("/params/extra", data=np.zeros(4))
        with self.assertRaisesRegex(LoadError, "one common length"):
            load(d)

    def test_run_is_not_a_sweep(self):
        self.assertIsInstance(load(run_path("small")), Run)


if __name__ == "__main__":
    unittest.main()
