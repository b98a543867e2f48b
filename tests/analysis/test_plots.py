"""Every plotting command draws a non-empty image of the expected size on a small run, writes
SVG on request, has --help, and says clearly when a run lacks what it needs."""
import contextlib
import io
import os
import unittest

from analysis import cli, readme
from helpers import TMP, png_size, run_path
from test_load import make_sweep


def draw(*argv):
    """Runs python3 -m analysis ARGV in this process: (exit status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rc = cli.main([str(a) for a in argv])
    return rc, err.getvalue()


class Commands(unittest.TestCase):
    def image(self, name, *argv, size=None):
        out = os.path.join(TMP, name + ".png")
        rc, err = draw(*argv, "-o", out)
        self.assertEqual(rc, 0, err)
        self.assertGreater(os.path.getsize(out), 8000, f"{name}: suspiciously small image")
        w, h = png_size(out)
        if size:
            self.assertEqual((w, h), size, name)
        self.assertTrue(300 <= w <= 4000 and 200 <= h <= 4000, f"{name}: {w} x {h}")
        return out

    def test_series_commands(self):
        small, case = run_path("small"), run_path("case")
        for cmd in ("dividends", "incentive", "consensus", "emission"):
            self.image(f"{cmd}_peer", cmd, small, size=(800, 450))
        self.image("dividends_group", "dividends", case, "--by", "group", size=(800, 450))
        self.image("trust", "series", small, "--dataset", "validator_trust", "--peers", "A,B", size=(800, 450))
        self.image("stake_share", "series", case, "--dataset", "stake", "--by", "group", "--share", "--logy",
                   size=(800, 450))

    def test_xy(self):
        self.image("xy", "xy", run_path("small"), "--x", "stake_weight", "--y", "dividends", "--match", "^[ABC]$",
                   "--epoch", "0", size=(700, 450))
        rc, err = draw("xy", run_path("small"), "--x", "trust", "--y", "consensus", "-o", os.path.join(TMP, "n.png"))
        self.assertEqual(rc, 2)
        self.assertIn("/epochs/trust", err)

    def test_bonds(self):
        self.image("bonds_pairs", "bonds", run_path("small"))
        self.image("bonds_groups", "bonds", run_path("case"), "--by", "group", size=(850, 300))

    def test_weights(self):
        self.image("weights_default", "weights", run_path("small"))
        self.image("weights_chosen", "weights", run_path("small"), "--epochs", "0,-1")

    def test_grid(self):
        self.image("grid_blocks", "grid", run_path("case"), run_path("case_yuma"))
        self.image("grid_panels", "grid", run_path("small"), run_path("plain"), "--metric", "dividends")

    def test_sweep_commands(self):
        sweep = make_sweep(os.path.join(TMP, "sweep_plots"))
        self.image("heatmap", "sweep-heatmap", sweep, "--x", "group_share.cabal", "--y", "mechanism.kappa",
                   "--metric", "cabal/emission_share", "--xlabel", "cabal stake share", "--fmt", ".2g")
        rc, err = draw("sweep-heatmap", sweep, "--x", "group_share.cabal", "--y", "mechanism.kappa",
                       "--metric", "cabal/emission_share", "--fmt", "zz", "-o", os.path.join(TMP, "fmt.png"))
        self.assertEqual(rc, 2)
        self.assertIn("--fmt", err)
        self.image("curves", "sweep-curve", sweep, "--x", "group_share.cabal", "--metric", "cabal/emission_share",
                   "--by", "mechanism.kappa", "--diagonal")
        rc, err = draw("sweep-heatmap", sweep, "--x", "group_share.cabal", "--y", "gini_final_stake",
                       "--metric", "cabal/emission_share", "-o", os.path.join(TMP, "dup.png"))
        self.assertEqual(rc, 2)
        self.assertIn("several runs at", err)
        rc, err = draw("sweep-curve", sweep, "--x", "group_share.cabal", "--metric", "cabal/emission_share",
                       "--where", "mechanism.kappa=0.9", "-o", os.path.join(TMP, "none.png"))
        self.assertEqual(rc, 2)
        self.assertIn("no run matches", err)

    def test_svg(self):
        out = os.path.join(TMP, "svg_both.png")
        rc, err = draw("dividends", run_path("small"), "-o", out, "--svg")
        self.assertEqual(rc, 0, err)
        with open(os.path.join(TMP, "svg_both.svg")) as f:
            self.assertIn("<svg", f.read(2000))
        rc, err = draw("consensus", run_path("small"), "-o", os.path.join(TMP, "only.svg"))
        self.assertEqual(rc, 0, err)
        self.assertGreater(os.path.getsize(os.path.join(TMP, "only.svg")), 8000)


class Errors(unittest.TestCase):
    def test_missing_dataset_is_one_clear_line(self):
        out = os.path.join(TMP, "never.png")
        for cmd, dataset, hint in (("bonds", "/epochs/bonds", "output.bonds=true"),
                                   ("weights", "/epochs/weights", "output.weights=true")):
            rc, err = draw(cmd, run_path("plain"), "-o", out)
            self.assertEqual(rc, 2)
            self.assertEqual(err.count("\n"), 1, err)
            self.assertIn(dataset, err)
            self.assertIn(hint, err)
            self.assertFalse(os.path.exists(out))

    def test_wrong_kind_of_input(self):
        sweep = make_sweep(os.path.join(TMP, "sweep_errors"))
        rc, err = draw("dividends", sweep, "-o", os.path.join(TMP, "x.png"))
        self.assertEqual(rc, 2)
        self.assertIn("sweep directory", err)
        rc, err = draw("sweep-curve", run_path("small"), "--x", "a", "--metric", "b", "-o", os.path.join(TMP, "x.png"))
        self.assertEqual(rc, 2)
        self.assertIn("is a run", err)

    def test_help_everywhere(self):
        for cmd in ([], ["dividends"], ["incentive"], ["consensus"], ["emission"], ["series"], ["xy"], ["bonds"],
                    ["weights"], ["sweep-heatmap"], ["sweep-curve"], ["grid"], ["info"]):
            with contextlib.redirect_stdout(io.StringIO()) as out, self.assertRaises(SystemExit) as cm:
                cli.main(cmd + ["--help"])
            self.assertEqual(cm.exception.code, 0, cmd)
            self.assertIn("usage:", out.getvalue())

    def test_readme_commands_collapse_run_lists(self):
        argv = ["grid", "out/c/a.h5", "out/c/b.h5", "-o", "figures/x.png", "--title", "it's"]
        self.assertEqual(readme.shown(argv), "/usr/bin/python3 -m analysis grid out/c/*.h5 -o figures/x.png "
                         "--title 'it'\"'\"'s'")

    def test_info(self):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(cli.main(["info", run_path("small")]), 0)
        self.assertIn("/epochs/bonds", out.getvalue())


if __name__ == "__main__":
    unittest.main()
