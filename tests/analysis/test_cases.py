"""The 22 named cases: scenarios/cases/ holds exactly what scenarios/tools/make_cases.py
writes, each file validates, and a few schedules match the spec (yuma-simulation-cases.md)."""
import filecmp
import glob
import json
import os
import subprocess
import unittest

from helpers import ROOT, TMP, btsim

CASES = sorted(glob.glob(os.path.join(ROOT, "scenarios/cases/*.json")))


def rows_at(scenario, epoch):
    """Each validator's row in force at `epoch` (its latest entry at or before it)."""
    rows = {}
    for w in scenario["weights"]:
        if w["epoch"] <= epoch:
            rows[w["from"]] = w["to"]
    return rows


class Cases(unittest.TestCase):
    def test_twenty_two_files_with_descriptions(self):
        self.assertEqual(len(CASES), 22)
        for i, path in enumerate(CASES, 1):
            with open(path) as f:
                sc = json.load(f)
            self.assertTrue(sc["name"].startswith(f"case{i:02d}_"), path)
            self.assertTrue(sc["description"].startswith(f"Case {i} - "), path)

    def test_generator_reproduces_the_files(self):
        out = os.path.join(TMP, "cases")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scenarios/tools/make_cases.py"), "--out", out],
                       check=True, capture_output=True)
        names = sorted(os.listdir(out))
        self.assertEqual(names, [os.path.basename(c) for c in CASES])
        match, mismatch, errors = filecmp.cmpfiles(out, os.path.dirname(CASES[0]), names, shallow=False)
        self.assertEqual(mismatch + errors, [], "scenarios/cases/ is out of date: rerun make_cases.py")

    def test_every_file_validates(self):
        for path in CASES:
            p = btsim("validate", path, check=False)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_schedules_follow_the_spec(self):
        with open(CASES[1]) as f:
            case2 = json.load(f)
        s1, s2 = {"S1": 1.0, "S2": 0.0}, {"S1": 0.0, "S2": 1.0}
        self.assertEqual(rows_at(case2, 1), {"A": s1, "B": s2, "C": s1})
        self.assertEqual(rows_at(case2, 2), {"A": s2, "B": s2, "C": s1})
        self.assertEqual(rows_at(case2, 39), {"A": s2, "B": s2, "C": s2})
        with open(CASES[21]) as f:
            case22 = json.load(f)
        self.assertEqual(rows_at(case22, 0)["A"], {"S1": 0.2920, "S2": 0.3285, "S3": 0.3795})
        self.assertEqual(rows_at(case22, 39)["C"], {"S1": 0.2584, "S2": 0.4115, "S3": 0.3301})
        self.assertEqual([p["stake"] for p in case22["peers"][:3]], [340000.0, 330000.0, 330000.0])


if __name__ == "__main__":
    unittest.main()
