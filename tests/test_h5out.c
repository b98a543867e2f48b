/* Tests of the HDF5 writer (io/h5out) and reader (io/h5read): metadata and series round trips,
 * the tmp-then-rename protocol, failures, and the reader's refusal of incomplete or odd files.
 * Raw HDF5 calls check what the reader can't see (types, layouts, filters, exact u64s). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/h5out.h"
#include "io/h5read.h"

static char g_dir[64];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/btsim_h5_XXXXXX");
    cr_assert_not_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(g_dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    rmdir(g_dir);
}

TestSuite(h5out, .init = make_dir, .fini = remove_dir);

static char *in_dir(const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", g_dir, name);
    return p[k];
}

/* Entries in g_dir other than . and ..; with `needle`, only names containing it. */
static int count_entries(const char *needle)
{
    DIR *d = opendir(g_dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            (!needle || strstr(e->d_name, needle)))
            n++;
    closedir(d);
    return n;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static const char *const g_names[] = { "alice", "bob", "\303\247arol \342\234\223" };
static const char *const g_groups[] = { "validators", "", NULL };

static bt_h5_meta small_meta(long epochs, const char *json)
{
    bt_h5_meta m = {
        .scenario_json = json,
        .scenario_name = "round trip",
        .seed = UINT64_MAX,
        .epochs = epochs,
        .npeers = 3,
        .peer_names = g_names,
        .peer_groups = g_groups,
        .mechanism = "yuma3",
        .arithmetic = "fixed",
    };
    return m;
}

static bt_h5read *open_reader(const char *path)
{
    char err[512] = "";
    bt_h5read *r = NULL;
    int rc = bt_h5read_open(&r, path, err, sizeof err);
    cr_assert_eq(rc, 0, "bt_h5read_open: %s", err);
    return r;
}

static char *read_attr(bt_h5read *r, const char *name)
{
    char *v = NULL;
    cr_assert_eq(bt_h5read_attr_string(r, name, &v), 0, "%s: %s", name, bt_h5read_error(r));
    return v;
}

/* Reads a whole dataset as doubles, checking its shape. */
static double *read_f64(bt_h5read *r, const char *ds, int rank, size_t d0, size_t d1, size_t d2)
{
    int nd = -1;
    size_t dims[3];
    cr_assert_eq(bt_h5read_dims(r, ds, &nd, dims), 0, "%s: %s", ds, bt_h5read_error(r));
    cr_assert_eq(nd, rank, "%s rank", ds);
    size_t want[3] = { d0, d1, d2 }, n = 1;
    for (int i = 0; i < rank; i++) {
        cr_assert_eq(dims[i], want[i], "%s dim %d", ds, i);
        n *= dims[i];
    }
    double *buf = malloc((n ? n : 1) * sizeof *buf);
    cr_assert_not_null(buf);
    cr_assert_eq(bt_h5read_f64(r, ds, buf, n), 0, "%s: %s", ds, bt_h5read_error(r));
    return buf;
}

/* Raw HDF5: the dataset's stored type equals `type`. */
static void assert_type(hid_t f, const char *ds, hid_t type)
{
    hid_t d = H5Dopen2(f, ds, H5P_DEFAULT);
    cr_assert_geq(d, 0, "%s", ds);
    hid_t t = H5Dget_type(d);
    cr_assert_gt(H5Tequal(t, type), 0, "%s type", ds);
    H5Tclose(t);
    H5Dclose(d);
}

/* Raw HDF5: layout, chunk shape (when chunked) and filters of a dataset. */
static H5D_layout_t layout_of(hid_t f, const char *ds, hsize_t chunk[3], int *deflate,
                              int *shuffle)
{
    hid_t d = H5Dopen2(f, ds, H5P_DEFAULT);
    cr_assert_geq(d, 0, "%s", ds);
    hid_t p = H5Dget_create_plist(d);
    H5D_layout_t l = H5Pget_layout(p);
    *deflate = *shuffle = 0;
    if (l == H5D_CHUNKED) {
        cr_assert_geq(H5Pget_chunk(p, 3, chunk), 0);
        int nf = H5Pget_nfilters(p);
        for (int i = 0; i < nf; i++) {
            unsigned flags, cd[4];
            size_t ncd = 4;
            H5Z_filter_t id = H5Pget_filter2(p, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
            if (id == H5Z_FILTER_DEFLATE) {
                *deflate = 1;
                cr_assert_eq(cd[0], 4, "deflate level");
            }
            if (id == H5Z_FILTER_SHUFFLE)
                *shuffle = 1;
        }
    }
    H5Pclose(p);
    H5Dclose(d);
    return l;
}

Test(h5out, round_trip)
{
    const long E = 4;
    const size_t n = 3;
    const char *path = in_dir("run.h5");
    char err[512] = "";
    bt_h5_meta m = small_meta(E, "{\"name\": \"round trip\"}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);

    int s_stake = bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, "tokens");
    int s_cons = bt_h5out_series(o, "/fixed/consensus", BT_H5_U16, 1, &n, NULL);
    int s_emis = bt_h5out_series(o, "/fixed/emission", BT_H5_U64, 1, &n, "rao");
    int s_act = bt_h5out_series(o, "/epochs/active", BT_H5_I8, 1, &n, NULL);
    size_t nn[2] = { n, n };
    int s_bonds = bt_h5out_series(o, "/epochs/bonds", BT_H5_F64, 2, nn, NULL);
    int s_fb = bt_h5out_series(o, "/fixed/bonds", BT_H5_U16, 2, nn, NULL);
    int hs[] = { s_stake, s_cons, s_emis, s_act, s_bonds, s_fb };
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        cr_assert_geq(hs[i], 0, "series %zu: %s", i, bt_h5out_error(o));

    for (long e = 0; e < E; e++) {
        double stake[3], bonds[9];
        uint16_t cons[3], fb[9];
        uint64_t emis[3];
        int8_t act[3];
        for (size_t i = 0; i < n; i++) {
            stake[i] = 1000.5 * (double)e + 0.25 * (double)i;
            cons[i] = (uint16_t)(65535 - e * 10 - (long)i);
            emis[i] = (UINT64_C(1) << 63) + (uint64_t)(e * 100 + (long)i);
            act[i] = (int8_t)((e + (long)i) % 2 ? -1 : 1);
            for (size_t j = 0; j < n; j++) {
                bonds[i * n + j] = (double)e + (double)i / 10 + (double)j / 100;
                fb[i * n + j] = (uint16_t)(e * 1000 + (long)(i * 10 + j));
            }
        }
        cr_assert_eq(bt_h5out_write(o, s_stake, e, stake), 0, "%s", bt_h5out_error(o));
        cr_assert_eq(bt_h5out_write(o, s_cons, e, cons), 0, "%s", bt_h5out_error(o));
        cr_assert_eq(bt_h5out_write(o, s_emis, e, emis), 0, "%s", bt_h5out_error(o));
        if (e != E - 1)   /* the last epoch is left unwritten: it must read as the fill, 0 */
            cr_assert_eq(bt_h5out_write(o, s_act, e, act), 0, "%s", bt_h5out_error(o));
        cr_assert_eq(bt_h5out_write(o, s_bonds, e, bonds), 0, "%s", bt_h5out_error(o));
        cr_assert_eq(bt_h5out_write(o, s_fb, e, fb), 0, "%s", bt_h5out_error(o));
    }

    double table[6] = { 1, 2, 3, 4, 5, 6 };
    size_t tdims[2] = { 2, 3 };
    cr_assert_eq(bt_h5out_dataset(o, "/summary/table", BT_H5_F64, 2, tdims, table), 0, "%s",
                 bt_h5out_error(o));
    static uint16_t big[100 * 100];
    for (size_t i = 0; i < 100 * 100; i++)
        big[i] = (uint16_t)(i * 7);
    size_t bdims[2] = { 100, 100 };
    cr_assert_eq(bt_h5out_dataset(o, "/summary/big", BT_H5_U16, 2, bdims, big), 0, "%s",
                 bt_h5out_error(o));
    size_t edims[2] = { 0, 3 };
    cr_assert_eq(bt_h5out_dataset(o, "/summary/empty", BT_H5_F64, 2, edims, NULL), 0, "%s",
                 bt_h5out_error(o));
    cr_assert_eq(bt_h5out_attr_string(o, "extra", "x y"), 0, "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0, "objects left open");

    /* Through the reader. */
    bt_h5read *r = open_reader(path);
    const char *want_attrs[][2] = {
        { "name", "round trip" }, { "mechanism", "yuma3" }, { "arithmetic", "fixed" },
        { "scenario", "{\"name\": \"round trip\"}" }, { "extra", "x y" },
    };
    for (size_t i = 0; i < sizeof want_attrs / sizeof want_attrs[0]; i++) {
        char *v = read_attr(r, want_attrs[i][0]);
        cr_assert_str_eq(v, want_attrs[i][1]);
        free(v);
    }
    char *ver = read_attr(r, "btsim_version");
    cr_assert_gt(strlen(ver), 0);
    free(ver);

    char **names = NULL, **groups = NULL;
    size_t nnames = 0, ngroups = 0;
    cr_assert_eq(bt_h5read_strings(r, "/peers/name", &names, &nnames), 0, "%s",
                 bt_h5read_error(r));
    cr_assert_eq(bt_h5read_strings(r, "/peers/group", &groups, &ngroups), 0, "%s",
                 bt_h5read_error(r));
    cr_assert_eq(nnames, 3);
    cr_assert_eq(ngroups, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(names[i], g_names[i]);
        cr_assert_str_eq(groups[i], g_groups[i] ? g_groups[i] : "");
    }
    bt_h5read_free_strings(names, nnames);
    bt_h5read_free_strings(groups, ngroups);

    double *stake = read_f64(r, "/epochs/stake", 2, E, n, 0);
    double *cons = read_f64(r, "/fixed/consensus", 2, E, n, 0);
    double *emis = read_f64(r, "/fixed/emission", 2, E, n, 0);
    double *act = read_f64(r, "/epochs/active", 2, E, n, 0);
    double *bonds = read_f64(r, "/epochs/bonds", 3, E, n, n);
    double *fb = read_f64(r, "/fixed/bonds", 3, E, n, n);
    for (long e = 0; e < E; e++) {
        for (size_t i = 0; i < n; i++) {
            size_t k = (size_t)e * n + i;
            cr_assert_eq(stake[k], 1000.5 * (double)e + 0.25 * (double)i);
            cr_assert_eq(cons[k], (double)(65535 - e * 10 - (long)i));
            cr_assert_eq(emis[k], (double)((UINT64_C(1) << 63) + (uint64_t)(e * 100 + (long)i)));
            double a = e == E - 1 ? 0.0 : ((e + (long)i) % 2 ? -1.0 : 1.0);
            cr_assert_eq(act[k], a, "active[%ld][%zu]", e, i);
            for (size_t j = 0; j < n; j++) {
                size_t kk = ((size_t)e * n + i) * n + j;
                cr_assert_eq(bonds[kk], (double)e + (double)i / 10 + (double)j / 100);
                cr_assert_eq(fb[kk], (double)(e * 1000 + (long)(i * 10 + j)));
            }
        }
    }
    free(stake), free(cons), free(emis), free(act), free(bonds), free(fb);
    double *tab = read_f64(r, "/summary/table", 2, 2, 3, 0);
    cr_assert_arr_eq(tab, table, sizeof table);
    free(tab);
    double *bg = read_f64(r, "/summary/big", 2, 100, 100, 0);
    for (size_t i = 0; i < 100 * 100; i++)
        cr_assert_eq(bg[i], (double)big[i]);
    free(bg);
    double *em = read_f64(r, "/summary/empty", 2, 0, 3, 0);
    free(em);
    bt_h5read_close(r);

    /* Raw HDF5: what the reader converts away. */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    int iv = 0;
    hid_t a = H5Aopen(f, "schema_version", H5P_DEFAULT);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_INT, &iv), 0);
    cr_assert_eq(iv, 1);
    H5Aclose(a);
    a = H5Aopen(f, "complete", H5P_DEFAULT);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_INT, &iv), 0);
    cr_assert_eq(iv, 1);
    H5Aclose(a);
    uint64_t seed = 0;
    a = H5Aopen(f, "seed", H5P_DEFAULT);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_UINT64, &seed), 0);
    cr_assert_eq(seed, UINT64_MAX);
    H5Aclose(a);

    assert_type(f, "/epochs/stake", H5T_IEEE_F64LE);
    assert_type(f, "/fixed/consensus", H5T_STD_U16LE);
    assert_type(f, "/fixed/emission", H5T_STD_U64LE);
    assert_type(f, "/epochs/active", H5T_STD_I8LE);
    uint64_t raw[12];
    hid_t d = H5Dopen2(f, "/fixed/emission", H5P_DEFAULT);
    cr_assert_geq(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), 0);
    cr_assert_eq(raw[3 * 3 + 2], (UINT64_C(1) << 63) + 302);   /* exact, beyond 2^53 */
    char *units = NULL;
    a = H5Aopen(d, "units", H5P_DEFAULT);
    hid_t st = H5Aget_type(a);
    cr_assert_geq(H5Aread(a, st, &units), 0);
    cr_assert_str_eq(units, "rao");
    H5free_memory(units);
    H5Tclose(st);
    H5Aclose(a);
    H5Dclose(d);
    d = H5Dopen2(f, "/fixed/consensus", H5P_DEFAULT);
    cr_assert_eq(H5Aexists(d, "units"), 0, "units only when asked for");
    H5Dclose(d);

    hsize_t chunk[3];
    int defl, shuf;
    cr_assert_eq(layout_of(f, "/epochs/stake", chunk, &defl, &shuf), H5D_CHUNKED);
    cr_assert(defl && shuf);
    cr_assert(chunk[0] == 1 && chunk[1] == n);
    cr_assert_eq(layout_of(f, "/epochs/bonds", chunk, &defl, &shuf), H5D_CHUNKED);
    cr_assert(chunk[0] == 1 && chunk[1] == n && chunk[2] == n);
    cr_assert_eq(layout_of(f, "/summary/table", chunk, &defl, &shuf), H5D_CONTIGUOUS);
    cr_assert_eq(layout_of(f, "/summary/big", chunk, &defl, &shuf), H5D_CHUNKED);
    cr_assert(defl && shuf);
    H5Fclose(f);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0, "test left objects open");
}

/* A matrix epoch above 1 MiB is split into row blocks; the values still round trip. */
Test(h5out, big_matrix_chunks)
{
    const size_t n = 600;   /* 600 x 600 doubles = 2.9 MB per epoch */
    const char *path = in_dir("big.h5");
    char err[512] = "";
    bt_h5_meta m = small_meta(2, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    size_t dims[2] = { n, n };
    int s = bt_h5out_series(o, "/epochs/weights", BT_H5_F64, 2, dims, NULL);
    cr_assert_geq(s, 0, "%s", bt_h5out_error(o));
    double *w = malloc(n * n * sizeof *w);
    for (long e = 0; e < 2; e++) {
        for (size_t i = 0; i < n * n; i++)
            w[i] = (double)e + (double)i * 1e-6;
        cr_assert_eq(bt_h5out_write(o, s, e, w), 0, "%s", bt_h5out_error(o));
    }
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hsize_t chunk[3];
    int defl, shuf;
    cr_assert_eq(layout_of(f, "/epochs/weights", chunk, &defl, &shuf), H5D_CHUNKED);
    cr_assert_eq(chunk[0], 1);
    cr_assert_eq(chunk[2], n, "chunks are whole rows");
    cr_assert_leq(chunk[1] * chunk[2] * 8, 1 << 20, "chunk of %llu rows is over 1 MiB",
                  (unsigned long long)chunk[1]);
    cr_assert_lt(chunk[1], n);
    H5Fclose(f);

    bt_h5read *r = open_reader(path);
    double *back = read_f64(r, "/epochs/weights", 3, 2, n, n);
    for (size_t i = 0; i < n * n; i++)
        cr_assert_eq(back[n * n + i], 1.0 + (double)i * 1e-6);
    free(back);
    free(w);
    bt_h5read_close(r);
}

Test(h5out, file_appears_only_on_commit)
{
    const char *path = in_dir("run.h5");
    char err[512] = "";
    bt_h5_meta m = small_meta(1, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    cr_assert_not(exists(path), "final file exists before commit");
    cr_assert_eq(count_entries(".tmp."), 1, "the temporary file is there while writing");
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    cr_assert(exists(path));
    cr_assert_eq(count_entries(".tmp."), 0, "temporary file left behind");
    cr_assert_eq(count_entries(NULL), 1);

    /* A second run over the same path replaces the first. */
    m.scenario_name = "second";
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    bt_h5read *r = open_reader(path);
    char *name = read_attr(r, "name");
    cr_assert_str_eq(name, "second");
    free(name);
    bt_h5read_close(r);
    cr_assert_eq(count_entries(NULL), 1);
}

Test(h5out, abort_leaves_nothing)
{
    char err[512] = "";
    bt_h5_meta m = small_meta(3, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, in_dir("run.h5"), &m, err, sizeof err), 0, "%s", err);
    size_t n = 3;
    int s = bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, NULL);
    double v[3] = { 1, 2, 3 };
    cr_assert_eq(bt_h5out_write(o, s, 0, v), 0);
    bt_h5out_abort(o);
    bt_h5out_abort(NULL);
    cr_assert_eq(count_entries(NULL), 0);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

/* A commit that can't rename (the final path is a directory) fails and leaves no tmp file. */
Test(h5out, failed_commit_cleans_up)
{
    char err[512] = "";
    const char *path = in_dir("run.h5");
    cr_assert_eq(mkdir(path, 0755), 0);
    bt_h5_meta m = small_meta(1, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "cannot rename"), "%s", err);
    cr_assert_eq(count_entries(".tmp."), 0, "temporary file left behind");
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
    rmdir(path);
}

Test(h5out, open_in_missing_directory_fails)
{
    char err[512] = "";
    const char *path = in_dir("no/such/dir/run.h5");
    bt_h5_meta m = small_meta(1, "{}");
    bt_h5out *o = (bt_h5out *)1;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), -1);
    cr_assert_null(o);
    cr_assert_not_null(strstr(err, path), "message names the path: %s", err);
    cr_assert_not_null(strstr(err, "No such file or directory"), "message: %s", err);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
    cr_assert_eq(count_entries(NULL), 0);
}

Test(h5out, misuse_is_reported_and_harmless)
{
    char err[512] = "";
    const char *path = in_dir("run.h5");
    bt_h5_meta m = small_meta(2, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    size_t n = 3, dims3[3] = { 3, 3, 3 };
    int s = bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, NULL);
    cr_assert_geq(s, 0);
    double v[3] = { 0 };
    cr_assert_eq(bt_h5out_write(o, s, 2, v), -1);
    cr_assert_not_null(strstr(bt_h5out_error(o), "epoch 2"), "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_write(o, s, -1, v), -1);
    cr_assert_eq(bt_h5out_write(o, s + 1, 0, v), -1);
    cr_assert_eq(bt_h5out_write(o, s, 0, NULL), -1);
    cr_assert_eq(bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, NULL), -1);
    cr_assert_not_null(strstr(bt_h5out_error(o), "/epochs/stake"), "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_series(o, "/epochs/cube", BT_H5_F64, 3, dims3, NULL), -1);
    cr_assert_eq(bt_h5out_series(o, "/epochs/bad", (bt_h5_type)42, 1, &n, NULL), -1);
    cr_assert_eq(bt_h5out_series(o, "", BT_H5_F64, 1, &n, NULL), -1);
    cr_assert_eq(bt_h5out_dataset(o, "/summary/x", BT_H5_F64, 1, &n, NULL), -1);
    cr_assert_eq(bt_h5out_attr_string(o, "complete", "1"), -1);
    cr_assert_eq(bt_h5out_write(NULL, 0, 0, v), -1);
    cr_assert_str_eq(bt_h5out_error(NULL), "");
    /* None of that spoils the file. */
    cr_assert_eq(bt_h5out_write(o, s, 1, v), 0, "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5out_commit(NULL, err, sizeof err), -1);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

Test(h5out, empty_run)
{
    char err[512] = "";
    const char *path = in_dir("empty.h5");
    bt_h5_meta m = { .epochs = 0, .npeers = 0 };   /* every string NULL: stored as "" */
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    size_t n = 0, nn[2] = { 0, 0 };
    int s = bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, NULL);
    int b = bt_h5out_series(o, "/epochs/bonds", BT_H5_U16, 2, nn, NULL);
    cr_assert(s >= 0 && b >= 0, "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_write(o, s, 0, NULL), -1, "no epoch 0 in a 0-epoch run");
    cr_assert_eq(bt_h5out_dataset(o, "/summary/none", BT_H5_U64, 1, &n, NULL), 0, "%s",
                 bt_h5out_error(o));
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);

    bt_h5read *r = open_reader(path);
    char **names = NULL;
    size_t nnames = 99;
    cr_assert_eq(bt_h5read_strings(r, "/peers/name", &names, &nnames), 0, "%s",
                 bt_h5read_error(r));
    cr_assert_eq(nnames, 0);
    bt_h5read_free_strings(names, nnames);
    free(read_f64(r, "/epochs/stake", 2, 0, 0, 0));
    free(read_f64(r, "/epochs/bonds", 3, 0, 0, 0));
    free(read_f64(r, "/summary/none", 1, 0, 0, 0));
    char *v = read_attr(r, "name");
    cr_assert_str_eq(v, "");
    free(v);
    bt_h5read_close(r);

    /* Peers but no epochs: the series are [0 x n]; a zero-peer run with epochs writes no-ops. */
    bt_h5_meta m2 = { .epochs = 2, .npeers = 0 };
    cr_assert_eq(bt_h5out_open(&o, path, &m2, err, sizeof err), 0, "%s", err);
    s = bt_h5out_series(o, "/epochs/stake", BT_H5_F64, 1, &n, NULL);
    cr_assert_eq(bt_h5out_write(o, s, 1, NULL), 0, "%s", bt_h5out_error(o));
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
}

Test(h5out, large_scenario_json)
{
    const size_t len = (size_t)1 << 20;
    char *json = malloc(len + 1);
    cr_assert_not_null(json);
    json[0] = '[';
    for (size_t i = 1; i < len - 1; i++)
        json[i] = i % 64 == 0 ? ',' : (char)('a' + (char)(i % 26));
    json[len - 1] = ']';
    json[len] = '\0';
    const char *path = in_dir("big.h5");
    char err[512] = "";
    bt_h5_meta m = small_meta(1, json);
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, path, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    bt_h5read *r = open_reader(path);
    char *back = read_attr(r, "scenario");
    cr_assert_eq(strlen(back), len);
    cr_assert(strcmp(back, json) == 0, "1 MiB scenario differs after the round trip");
    free(back);
    free(json);
    bt_h5read_close(r);
}

/* ---- reader refusals ---- */

/* A bare HDF5 file, optionally with a root integer attribute "complete" = value. */
static hid_t raw_file(const char *path, int with_complete, int value)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    if (with_complete) {
        hid_t s = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(f, "complete", H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT, &value);
        H5Aclose(a);
        H5Sclose(s);
    }
    return f;
}

static void assert_refused(const char *path, const char *needle)
{
    char err[512] = "";
    bt_h5read *r = (bt_h5read *)1;
    cr_assert_eq(bt_h5read_open(&r, path, err, sizeof err), -1, "%s opened", path);
    cr_assert_null(r);
    cr_assert_not_null(strstr(err, needle), "message for %s: %s", path, err);
}

Test(h5out, reader_refuses_incomplete_files)
{
    H5Fclose(raw_file(in_dir("none.h5"), 0, 0));
    assert_refused(in_dir("none.h5"), "not a complete btsim run");
    H5Fclose(raw_file(in_dir("zero.h5"), 1, 0));
    assert_refused(in_dir("zero.h5"), "not a complete btsim run");
    assert_refused(in_dir("missing.h5"), "No such file");

    FILE *t = fopen(in_dir("text.h5"), "w");
    fputs("this is not HDF5\n", t);
    fclose(t);
    assert_refused(in_dir("text.h5"), "cannot read");

    /* A run cut off half way through its bytes. */
    char err[512] = "";
    bt_h5_meta m = small_meta(1, "{}");
    bt_h5out *o = NULL;
    cr_assert_eq(bt_h5out_open(&o, in_dir("whole.h5"), &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5out_commit(o, err, sizeof err), 0, "%s", err);
    struct stat st;
    stat(in_dir("whole.h5"), &st);
    cr_assert_eq(truncate(in_dir("whole.h5"), st.st_size / 2), 0);
    assert_refused(in_dir("whole.h5"), in_dir("whole.h5"));
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

Test(h5out, reader_refuses_odd_datasets)
{
    const char *path = in_dir("odd.h5");
    hid_t f = raw_file(path, 1, 1);
    hsize_t d4[4] = { 1, 1, 1, 1 }, d1 = 2;
    hid_t s4 = H5Screate_simple(4, d4, NULL), s1 = H5Screate_simple(1, &d1, NULL);
    H5Dclose(H5Dcreate2(f, "rank4", H5T_IEEE_F64LE, s4, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    hid_t ct = H5Tcreate(H5T_COMPOUND, 16);
    H5Tinsert(ct, "a", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "b", 8, H5T_NATIVE_DOUBLE);
    H5Dclose(H5Dcreate2(f, "compound", ct, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Tclose(ct);
    double two[2] = { 1.5, 2.5 };
    hid_t d = H5Dcreate2(f, "nums", H5T_IEEE_F32BE, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, two);
    H5Dclose(d);
    /* Fixed-length strings, space padded is not what btsim writes, but must still read. */
    hid_t ft = H5Tcopy(H5T_C_S1);
    H5Tset_size(ft, 4);
    d = H5Dcreate2(f, "fixed", ft, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, "abcdxy\0\0");
    H5Dclose(d);
    H5Tclose(ft);
    /* Raw data in another file, and a link into another file: both refused. */
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, in_dir("raw.bin"), 0, 16);
    H5Dclose(H5Dcreate2(f, "external", H5T_IEEE_F64LE, s1, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    H5Pclose(dcpl);
    H5Lcreate_external(in_dir("other.h5"), "/nums", f, "elink", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/nums", f, "soft", H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(s4);
    H5Sclose(s1);
    H5Fclose(f);
    f = raw_file(in_dir("other.h5"), 1, 1);
    s1 = H5Screate_simple(1, &d1, NULL);
    H5Dclose(H5Dcreate2(f, "nums", H5T_IEEE_F64LE, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(s1);
    H5Fclose(f);

    bt_h5read *r = open_reader(path);
    int nd;
    size_t dims[3];
    double buf[4];
    char **strs = NULL, *str = NULL;
    size_t ns = 0;
    cr_assert_eq(bt_h5read_dims(r, "rank4", &nd, dims), -1);
    cr_assert_not_null(strstr(bt_h5read_error(r), "rank 4"), "%s", bt_h5read_error(r));
    cr_assert_eq(bt_h5read_dims(r, "nothere", &nd, dims), -1);
    cr_assert_not_null(strstr(bt_h5read_error(r), "nothere"), "%s", bt_h5read_error(r));
    cr_assert_eq(bt_h5read_f64(r, "compound", buf, 2), -1);
    cr_assert_eq(bt_h5read_strings(r, "compound", &strs, &ns), -1);
    cr_assert_eq(bt_h5read_strings(r, "nums", &strs, &ns), -1);
    cr_assert(strs == NULL && ns == 0);
    cr_assert_eq(bt_h5read_f64(r, "nums", buf, 3), -1, "wrong count accepted");
    cr_assert_eq(bt_h5read_f64(r, "nums", buf, 2), 0, "%s", bt_h5read_error(r));
    cr_assert(buf[0] == 1.5 && buf[1] == 2.5);
    cr_assert_eq(bt_h5read_f64(r, "soft", buf, 2), 0, "%s", bt_h5read_error(r));
    cr_assert_eq(bt_h5read_f64(r, "fixed", buf, 2), -1);
    cr_assert_eq(bt_h5read_strings(r, "fixed", &strs, &ns), 0, "%s", bt_h5read_error(r));
    cr_assert_eq(ns, 2);
    cr_assert_str_eq(strs[0], "abcd");
    cr_assert_str_eq(strs[1], "xy");
    bt_h5read_free_strings(strs, ns);
    cr_assert_eq(bt_h5read_f64(r, "external", buf, 2), -1);
    cr_assert_not_null(strstr(bt_h5read_error(r), "outside"), "%s", bt_h5read_error(r));
    cr_assert_eq(bt_h5read_f64(r, "elink", buf, 2), -1, "external link followed");
    cr_assert_eq(bt_h5read_attr_string(r, "complete", &str), -1, "integer read as string");
    cr_assert_eq(bt_h5read_attr_string(r, "nosuch", &str), -1);
    cr_assert_null(str);
    cr_assert_eq(bt_h5read_dims(NULL, "nums", &nd, dims), -1);
    bt_h5read_close(r);
    bt_h5read_close(NULL);
    cr_assert_eq(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}
