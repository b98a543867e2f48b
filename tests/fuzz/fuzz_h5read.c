/* libFuzzer target for the HDF5 run reader (sim/io/h5read.c), the way `btsim report` uses it.
 *
 * HDF5 1.10.8 itself crashes on some corrupted files (docs/reliability.md), so mutating raw
 * file bytes mostly fuzzes the library, stops at its first crash, and says nothing about our
 * reader. This target therefore fuzzes within the file format: the input drives a generator
 * that writes a well-formed HDF5 file through the HDF5 API whose *content* is hostile: every
 * root attribute and dataset the reader looks at may be missing, of the wrong class, type,
 * byte order, size or rank, a group, a soft, hard or external link, stored outside the file
 * (external raw data, a virtual dataset), chunked and filtered, or have a forged extent of up
 * to 2^62 elements backed by fill values. Then every bt_h5read_* call runs as `report` would
 * make it. Corruption of the file structure itself is handled by reading untrusted files in a
 * child process (sim/io/h5read_safe.c), tested in tests/test_h5read_safe.c.
 *
 * Built with -DFZ_H5_RAW (make fuzz-h5raw, not in CI), the input bytes are the file itself:
 * that variant exists to reproduce the library's own crashes.
 *
 * The contract checked: each call returns 0, or -1 with a one-line message; nothing crashes,
 * leaks or overflows. Built by `make fuzz`; replayed by tests/fuzz/replay.c. */
#include "io/h5read.h"

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reader is asked for f64 data only up to this many elements (report allows 2^27; less
 * keeps each fuzz input fast). */
#define FZ_MAX_READ ((size_t)1 << 20)
/* Materialised datasets hold at most this many elements. */
#define FZ_MAX_WRITE 4096

static const char *const fz_attrs[] = {"complete", "name", "mechanism", "arithmetic",
                                       "btsim_version", "scenario", "schema_version", "seed"};
static const char *const fz_dsets[] = {
    "/peers/name", "/peers/group", "/epochs/stake", "/epochs/consensus", "/epochs/incentive",
    "/epochs/dividends", "/epochs/alignment", "/summary/initial_stake", "/summary/final_stake",
    "/summary/emission", "/summary/server_emission", "/summary/validator_emission"};
#define FZ_N(a) (sizeof(a) / sizeof((a)[0]))

static char fz_dir[256], fz_path[300];

static void fz_fail(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz_h5read: %s: broken error contract: \"%s\"\n", what, msg ? msg : "(null)");
    abort();
}

static int fz_setup(void)
{
    if (fz_dir[0]) return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(fz_dir, sizeof fz_dir, "%s/btsim_fuzz_h5.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fz_dir)) { fz_dir[0] = '\0'; return -1; }
    snprintf(fz_path, sizeof fz_path, "%s/run.h5", fz_dir);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return 0;
}

/* ---- reading, as report does ---- */

static void fz_check_msg(const char *what, const char *msg)
{
    if (!msg || !msg[0] || strchr(msg, '\n')) fz_fail(what, msg);
}

static void fz_read_all(void)
{
    bt_h5read *r;
    char err[600];
    err[0] = '\0';
    if (bt_h5read_open(&r, fz_path, err, sizeof err) < 0) {
        fz_check_msg("open", err);
        return;
    }
    for (size_t i = 0; i < FZ_N(fz_attrs) + 1; i++) {
        char *s = NULL;
        const char *name = i < FZ_N(fz_attrs) ? fz_attrs[i] : "no_such_attribute";
        if (bt_h5read_attr_string(r, name, &s) < 0) fz_check_msg(name, bt_h5read_error(r));
        free(s);
    }
    for (size_t i = 0; i < FZ_N(fz_dsets); i++) {
        const char *name = fz_dsets[i];
        char **s = NULL;
        size_t n = 0;
        if (bt_h5read_strings(r, name, &s, &n) < 0) fz_check_msg(name, bt_h5read_error(r));
        bt_h5read_free_strings(s, n);
        int nd;
        size_t dims[3];
        if (bt_h5read_dims(r, name, &nd, dims) < 0) {
            fz_check_msg(name, bt_h5read_error(r));
            continue;
        }
        size_t count = 1;
        for (int k = 0; k < nd; k++) count = dims[k] && count > FZ_MAX_READ / dims[k] ? FZ_MAX_READ + 1 : count * dims[k];
        if (count > FZ_MAX_READ) continue;
        double *v = malloc((count + 1) * sizeof *v);
        if (!v) continue;
        if (bt_h5read_f64(r, name, v, count) < 0) fz_check_msg(name, bt_h5read_error(r));
        if (bt_h5read_f64(r, name, v, count + 1) == 0) fz_fail(name, "a wrong element count was accepted");
        free(v);
    }
    bt_h5read_close(r);
}

#ifdef FZ_H5_RAW

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_setup() < 0) return 0;
    FILE *f = fopen(fz_path, "wb");
    if (!f) return 0;
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size) return 0;
    fz_read_all();
    return 0;
}

#else

/* ---- the input as a stream of choices ---- */

typedef struct {
    const uint8_t *p;
    size_t n, at;
} fz_in;

static unsigned fz_byte(fz_in *in) { return in->at < in->n ? in->p[in->at++] : 0; }

/* Fills buf with n bytes of input, cycling through it when it runs out. */
static void fz_fill(fz_in *in, void *buf, size_t n)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < n; i++) b[i] = in->n ? in->p[(in->at + i) % in->n] : 0;
    in->at += n < 64 ? n : 64;
}

/* ---- types ---- */

/* A datatype the input picks; the caller closes it. */
static hid_t fz_type(fz_in *in)
{
    const hid_t numeric[] = {
        H5T_STD_I8LE, H5T_STD_U8BE, H5T_STD_I16BE, H5T_STD_U16LE, H5T_STD_I32LE, H5T_STD_I32BE,
        H5T_STD_U32LE, H5T_STD_I64LE, H5T_STD_U64BE, H5T_STD_U64LE, H5T_IEEE_F32LE,
        H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE, H5T_STD_B8LE, H5T_STD_B64LE};
    unsigned k = fz_byte(in) % 24;
    if (k < FZ_N(numeric)) return H5Tcopy(numeric[k]);
    hid_t t = -1;
    switch (k) {
    case 16: {   /* a variable-length string, ASCII or UTF-8 */
        t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, fz_byte(in) & 1 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
        return t;
    }
    case 17: {   /* a fixed-length string, any padding */
        t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, 1 + fz_byte(in) % 40);
        H5Tset_strpad(t, (H5T_str_t)(fz_byte(in) % 3));
        H5Tset_cset(t, fz_byte(in) & 1 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
        return t;
    }
    case 18:   /* an integer of odd precision and offset */
        t = H5Tcopy(H5T_STD_I32LE);
        H5Tset_precision(t, 1 + fz_byte(in) % 32);
        H5Tset_offset(t, 0);
        return t;
    case 19:
        t = H5Tcreate(H5T_COMPOUND, 16);
        H5Tinsert(t, "a", 0, H5T_IEEE_F64LE);
        H5Tinsert(t, "b", 8, H5T_STD_I64LE);
        return t;
    case 20: {
        t = H5Tenum_create(H5T_STD_I32LE);
        int v0 = 0, v1 = 1;
        H5Tenum_insert(t, "zero", &v0);
        H5Tenum_insert(t, "one", &v1);
        return t;
    }
    case 21: {
        hsize_t d = 1 + fz_byte(in) % 4;
        return H5Tarray_create2(H5T_IEEE_F64LE, 1, &d);
    }
    case 22: return H5Tvlen_create(H5T_IEEE_F64LE);
    default: t = H5Tcreate(H5T_OPAQUE, 1 + fz_byte(in) % 16); H5Tset_tag(t, "fz"); return t;
    }
}

/* Memory for n elements of type t, filled from the input; variable-length strings point into
 * strs (NULL now and then), variable-length sequences into seq. */
static void *fz_values(fz_in *in, hid_t t, size_t n, char (*strs)[24], double *seq, hvl_t *vl)
{
    size_t size = H5Tget_size(t);
    if (size == 0) return NULL;
    void *buf = calloc(n ? n : 1, size);
    if (!buf) return NULL;
    if (H5Tis_variable_str(t) > 0) {
        char **s = buf;
        for (size_t i = 0; i < n; i++) {
            unsigned b = fz_byte(in);
            fz_fill(in, strs[i % 8], 23);
            strs[i % 8][b % 24] = '\0';
            s[i] = b == 255 ? NULL : strs[i % 8];
        }
    } else if (H5Tget_class(t) == H5T_VLEN) {
        for (size_t i = 0; i < n; i++) vl[i] = (hvl_t){.len = fz_byte(in) % 4, .p = seq};
        memcpy(buf, vl, n * sizeof *vl);
    } else {
        fz_fill(in, buf, n * size);
    }
    return buf;
}

/* ---- shapes ---- */

typedef struct {
    int rank;                 /* 0: scalar; -1: null dataspace */
    hsize_t dims[4];
    size_t count;             /* elements, saturated at SIZE_MAX */
} fz_shape;

static void fz_pick_shape(fz_in *in, fz_shape *s, hsize_t epochs, hsize_t peers)
{
    const hsize_t table[] = {epochs, peers, peers, epochs, 0, 1, 2, 3, 255,
                             ((hsize_t)1 << 24) + 1, (hsize_t)1 << 31, (hsize_t)1 << 62};
    unsigned r = fz_byte(in) % 8;
    s->rank = r < 2 ? (int)r + 1 : r < 5 ? 2 : r == 5 ? 0 : r == 6 ? 3 + (int)(fz_byte(in) % 2) : -1;
    s->count = s->rank < 0 ? 0 : 1;
    for (int i = 0; i < (s->rank > 0 ? s->rank : 0); i++) {
        unsigned b = fz_byte(in);
        s->dims[i] = table[b < 200 ? b % 4 : b % FZ_N(table)];
        s->count = s->dims[i] && s->count > SIZE_MAX / s->dims[i] ? SIZE_MAX : s->count * s->dims[i];
    }
}

static hid_t fz_space(const fz_shape *s)
{
    if (s->rank < 0) return H5Screate(H5S_NULL);
    if (s->rank == 0) return H5Screate(H5S_SCALAR);
    return H5Screate_simple(s->rank, s->dims, NULL);
}

/* ---- writing ---- */

static void fz_attr(fz_in *in, hid_t file, const char *name)
{
    unsigned mode = fz_byte(in) % 4;
    if (mode == 0) return;                    /* absent */
    if (mode == 1) {                          /* what btsim writes */
        hid_t sp = H5Screate(H5S_SCALAR);
        if (strcmp(name, "complete") == 0 || strcmp(name, "schema_version") == 0) {
            int one = 1;
            hid_t a = H5Acreate2(file, name, H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, H5T_NATIVE_INT, &one);
            H5Aclose(a);
        } else {
            hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, H5T_VARIABLE);
            H5Tset_cset(t, H5T_CSET_UTF8);
            const char *v = "fz";
            hid_t a = H5Acreate2(file, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, t, &v);
            H5Aclose(a);
            H5Tclose(t);
        }
        H5Sclose(sp);
        return;
    }
    fz_shape s;
    fz_pick_shape(in, &s, 1, 2);
    if (s.count > 16) return;
    hid_t t = fz_type(in), sp = fz_space(&s);
    char strs[8][24];
    double seq[4] = {1, 2, 3, 4};
    hvl_t vl[16];
    void *buf = fz_values(in, t, s.count, strs, seq, vl);
    hid_t a = H5Acreate2(file, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0 && buf && s.count) H5Awrite(a, t, buf);
    if (a >= 0) H5Aclose(a);
    free(buf);
    H5Sclose(sp);
    H5Tclose(t);
}

/* A dataset (or what stands in its place) at `name`, as the input says. */
static void fz_dataset(fz_in *in, hid_t file, const char *name, hsize_t epochs, hsize_t peers)
{
    unsigned kind = fz_byte(in) % 12;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    switch (kind) {
    case 0: break;                                                    /* absent */
    case 1: H5Gclose(H5Gcreate2(file, name, lcpl, H5P_DEFAULT, H5P_DEFAULT)); break;
    case 2: H5Lcreate_soft(fz_dsets[fz_byte(in) % FZ_N(fz_dsets)], file, name, lcpl, H5P_DEFAULT); break;
    case 3: H5Lcreate_external("other.h5", "/x", file, name, lcpl, H5P_DEFAULT); break;
    case 4: H5Lcreate_hard(file, fz_dsets[fz_byte(in) % FZ_N(fz_dsets)], file, name, lcpl, H5P_DEFAULT); break;
    default: {
        fz_shape s;
        fz_pick_shape(in, &s, epochs, peers);
        hid_t t = kind <= 7 ? H5Tcopy(H5T_IEEE_F64LE) : fz_type(in);
        if (kind == 6) { H5Tclose(t); t = H5Tcopy(H5T_C_S1); H5Tset_size(t, H5T_VARIABLE); }
        hid_t sp = fz_space(&s), dcpl = H5Pcreate(H5P_DATASET_CREATE);
        int materialise = s.count <= FZ_MAX_WRITE;
        if (kind == 8 && s.rank > 0) {                                 /* raw data in another file */
            H5Pset_external(dcpl, "ext.bin", 0, H5F_UNLIMITED);
        } else if (kind == 9 && s.rank > 0) {                          /* a virtual dataset */
            hid_t src = H5Screate_simple(s.rank, s.dims, NULL);
            H5Pset_virtual(dcpl, sp, "src.h5", "/x", src);
            H5Sclose(src);
        } else if ((kind == 10 || !materialise) && s.rank > 0) {       /* chunked, maybe filtered */
            hsize_t chunk[4] = {1, 1, 1, 1};
            H5Pset_chunk(dcpl, s.rank, chunk);
            if (fz_byte(in) & 1) H5Pset_deflate(dcpl, 1);
            if (fz_byte(in) & 1) H5Pset_shuffle(dcpl);
            if (fz_byte(in) & 1) H5Pset_fletcher32(dcpl);
            H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR);
        } else if (kind == 11 && s.count * H5Tget_size(t) < 60000) {
            H5Pset_layout(dcpl, H5D_COMPACT);
        }
        hid_t d = H5Dcreate2(file, name, t, sp, lcpl, dcpl, H5P_DEFAULT);
        if (d >= 0 && materialise && s.count > 0 && kind != 8 && kind != 9) {
            char strs[8][24];
            double seq[4] = {1, 2, 3, 4};
            hvl_t *vl = calloc(s.count, sizeof *vl);
            void *buf = vl ? fz_values(in, t, s.count, strs, seq, vl) : NULL;
            if (buf) H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
            free(buf);
            free(vl);
        }
        if (d >= 0) H5Dclose(d);
        H5Pclose(dcpl);
        H5Sclose(sp);
        H5Tclose(t);
    }
    }
    H5Pclose(lcpl);
}

static int fz_write_file(fz_in *in)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fz_byte(in) & 1) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t file = H5Fcreate(fz_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (file < 0) return -1;
    hsize_t epochs = fz_byte(in) % 6, peers = fz_byte(in) % 6;
    for (size_t i = 0; i < FZ_N(fz_attrs); i++) fz_attr(in, file, fz_attrs[i]);
    for (size_t i = 0; i < FZ_N(fz_dsets); i++) fz_dataset(in, file, fz_dsets[i], epochs, peers);
    return H5Fclose(file) < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_setup() < 0) return 0;
    fz_in in = {data, size, 0};
    if (fz_write_file(&in) == 0) fz_read_all();
    /* HDF5 keeps freed blocks on free lists; return them so leak checks see only leaks. */
    H5garbage_collect();
    return 0;
}

#endif
