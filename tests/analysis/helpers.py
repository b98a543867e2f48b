"""Small runs for the analysis and report tests, made once per test process with bin/btsim
($BTSIM overrides) in a temporary directory removed at exit."""
import atexit
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BTSIM = os.environ.get("BTSIM", os.path.join(ROOT, "bin", "btsim"))
TMP = tempfile.mkdtemp(prefix="btsim_analysis_")
atexit.register(shutil.rmtree, TMP, True)

# name -> (scenario, overrides): a fixed-mode run with bonds and weights, a float case with
# groups, the same case under original Yuma, and a run without bonds or weights.
RUNS = {
    "small": ("scenarios/chain/yuma3_kappa_moves_first.json", ["output.weights=true"]),
    "case": ("scenarios/cases/case02_kappa_moves_second.json", ["epochs=12"]),
    "case_yuma": ("scenarios/cases/case02_kappa_moves_second.json", ["epochs=12", "mechanism.kind=yuma"]),
    "plain": ("scenarios/chain/test_zero_weights.json", []),
}
_made = {}


def btsim(*args, check=True):
    if not os.access(BTSIM, os.X_OK):
        raise unittest.SkipTest(f"{BTSIM} is not built (run make)")
    p = subprocess.run([BTSIM, *args], cwd=ROOT, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"btsim {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def run_path(name):
    """The HDF5 file of one of RUNS, made on first use."""
    if name not in _made:
        scenario, sets = RUNS[name]
        out = os.path.join(TMP, name + ".h5")
        args = ["run", scenario, "-o", out, "--quiet"]
        for s in sets:
            args += ["--set", s]
        btsim(*args)
        _made[name] = out
    return _made[name]


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError(f"{path} is not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
