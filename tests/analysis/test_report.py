"""`btsim report`: its numbers equal the HDF5 values (exactly per peer, to rounding for group
sums and shares), the terminal tables agree with the CSV, and bad inputs exit 2."""
import csv
import io
import json
import os
import unittest

import h5py
import numpy as np

from helpers import ROOT, TMP, btsim, run_path
from test_load import make_sweep


def report_csv(path, *args):
    """{table name: (header, rows)} from `btsim report PATH --csv ARGS`."""
    text = btsim("report", path, "--csv", *args).stdout
    tables = {}
    for block in text.strip().split("\n\n"):
        rows = list(csv.reader(io.StringIO(block)))
        assert rows[0][0] == "table", rows[0]
        tables[rows[0][1]] = (rows[1], rows[2:])
    return tables


def h5(path):
    with h5py.File(path, "r") as f:
        data = {k: f[k][()] for k in ("/epochs/stake", "/epochs/consensus", "/epochs/incentive",
                                      "/epochs/dividends", "/summary/initial_stake", "/summary/final_stake",
                                      "/summary/emission", "/summary/server_emission",
                                      "/summary/validator_emission")}
        data["groups"] = [g.decode() for g in f["/peers/group"][()]]
        data["names"] = [g.decode() for g in f["/peers/name"][()]]
    return data


def by_group(values, groups):
    names = list(dict.fromkeys(groups))
    return names, np.stack([values[..., [g == n for g in groups]].sum(axis=-1) for n in names], axis=-1)


class ReportNumbers(unittest.TestCase):
    def test_per_peer_series_are_the_hdf5_values(self):
        path = run_path("small")
        d, t = h5(path), report_csv(path, "--peers")
        for table in ("consensus", "incentive", "dividends"):
            header, rows = t[table]
            self.assertEqual(header, ["epoch"] + d["names"])
            got = np.array([[float(x) for x in r[1:]] for r in rows])
            self.assertEqual([int(r[0]) for r in rows], list(range(len(rows))))
            self.assertTrue(np.array_equal(got, d["/epochs/" + table]), table)

    def test_group_shares_equal_the_hdf5_sums(self):
        for name in ("case", "small"):
            path = run_path(name)
            d, t = h5(path), report_csv(path)
            header, rows = t["shares"]
            self.assertEqual(header, ["group", "peers", "stake_share", "final_stake_share", "emission_share",
                                      "server_emission_share", "validator_emission_share", "ratio"])
            names, stake = by_group(d["/summary/initial_stake"], d["groups"])
            _, final = by_group(d["/summary/final_stake"], d["groups"])
            _, emis = by_group(d["/summary/emission"], d["groups"])
            _, server = by_group(d["/summary/server_emission"], d["groups"])
            _, valid = by_group(d["/summary/validator_emission"], d["groups"])
            total = emis.sum()
            self.assertEqual([r[0] for r in rows], names)
            for q, r in enumerate(rows):
                self.assertEqual(int(r[1]), d["groups"].count(names[q]))
                want = [stake[q] / stake.sum(), final[q] / final.sum(), emis[q] / total, server[q] / total,
                        valid[q] / total]
                self.assertTrue(np.allclose([float(x) for x in r[2:7]], want, rtol=1e-12, atol=0), (name, r))
                if stake[q] > 0:
                    self.assertAlmostEqual(float(r[7]), want[2] / want[0], delta=1e-12 * want[2] / want[0])
                else:
                    self.assertEqual(r[7], "")

    def test_group_series_equal_the_hdf5_sums(self):
        path = run_path("case")
        d, t = h5(path), report_csv(path)
        for table in ("consensus", "incentive", "dividends"):
            names, want = by_group(d["/epochs/" + table], d["groups"])
            header, rows = t[table]
            self.assertEqual(header, ["epoch"] + names)
            got = np.array([[float(x) for x in r[1:]] for r in rows])
            self.assertTrue(np.allclose(got, want, rtol=1e-13, atol=1e-15), table)

    def test_rows_sample_first_and_last_epoch(self):
        path = run_path("case")
        _, rows = report_csv(path, "--rows", "4")["dividends"]
        self.assertEqual([int(r[0]) for r in rows], [0, 4, 7, 11])

    def test_terminal_table_matches_csv(self):
        path = run_path("case")
        text = btsim("report", path).stdout
        _, rows = report_csv(path)["shares"]
        for r in rows:
            line = next(ln for ln in text.splitlines() if ln.startswith(r[0] + " "))
            fields = line.split()
            self.assertEqual(fields[2], f"{float(r[2]):.4f}")
            self.assertEqual(fields[3], f"{float(r[4]):.4f}")
        self.assertIn("dividends (share of the validator emission)", text)
        self.assertEqual(len([ln for ln in text.splitlines() if ln.strip().startswith("11 ")]), 3)


def small_sweep():
    """A real 4-run sweep (kappa x bonds penalty on case 2, 5 epochs) made with btsim sweep."""
    directory = os.path.join(TMP, "sweep_real")
    if not os.path.exists(os.path.join(directory, "summary.h5")):
        spec = {"name": "tiny", "base": os.path.join(ROOT, "scenarios/cases/case02_kappa_moves_second.json"),
                "set": {"epochs": 5}, "axes": [{"key": "mechanism.kappa", "values": [0.4, 0.6]},
                                               {"key": "mechanism.bonds_penalty", "values": [0, 1]}]}
        path = os.path.join(TMP, "tiny_sweep.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        btsim("sweep", path, "-o", directory, "--quiet", "--jobs", "1")
    return directory


class SweepReport(unittest.TestCase):
    def test_rows_equal_the_summary(self):
        directory = small_sweep()
        header, rows = report_csv(directory)["sweep"]
        with h5py.File(os.path.join(directory, "summary.h5"), "r") as f:
            self.assertEqual(header, ["run", "ok", "file", "params/mechanism.kappa", "params/mechanism.bonds_penalty",
                                      "metrics/validator/stake_share", "metrics/validator/emission_share",
                                      "metrics/validator/ratio", "metrics/server/stake_share",
                                      "metrics/server/emission_share", "metrics/server/ratio",
                                      "metrics/gini_final_stake"])
            self.assertEqual([r[2] for r in rows], [x.decode() for x in f["/runs/file"][()]])
            for k, name in enumerate(header[3:], 3):
                want = f[name][()]
                got = np.array([float(r[k]) if r[k] else np.nan for r in rows])
                self.assertTrue(np.array_equal(got, want, equal_nan=True), name)
        text = btsim("report", directory, "--rows", "2").stdout
        self.assertIn("mechanism.kappa", text)
        self.assertEqual(len(text.strip().splitlines()), 5)


class ReportErrors(unittest.TestCase):
    def expect(self, args, status, text):
        p = btsim("report", *args, check=False)
        self.assertEqual(p.returncode, status, p.stderr)
        self.assertIn(text, p.stderr)
        self.assertEqual(p.stdout, "")

    def test_bad_inputs_exit_2(self):
        self.expect([os.path.join(TMP, "absent.h5")], 2, "No such file or directory")
        self.expect([run_path("small"), "--rows", "0"], 2, "--rows")
        self.expect([run_path("small"), run_path("case")], 2, "exactly one")
        incomplete = os.path.join(TMP, "report_incomplete.h5")
        with h5py.File(incomplete, "w") as f:
            f.create_dataset("/epochs/stake", data=np.zeros((2, 2)))
        self.expect([incomplete], 2, "not a complete btsim run")

    def test_directories(self):
        empty = os.path.join(TMP, "report_empty_dir")
        os.makedirs(empty, exist_ok=True)
        self.expect([empty], 2, "without summary.h5")
        self.expect([make_sweep(os.path.join(TMP, "report_sweep"))], 2, "not a complete btsim run")

    def test_help(self):
        p = btsim("report", "--help")
        self.assertIn("usage: btsim report", p.stdout)


if __name__ == "__main__":
    unittest.main()
