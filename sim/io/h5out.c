/* HDF5 output of a run (contract in h5out.h, layout in docs/hdf5-schema.md).
 *
 * The file is written as PATH.tmp.<pid>; bt_h5out_commit writes the root attribute "complete"
 * last, fsyncs and only then renames the file into place, so a file at PATH is always a whole
 * run. Series datasets stay open for the whole run so that a write is one hyperslab selection
 * and one H5Dwrite, never a dataset open. */
#include "io/h5out.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/h5out_internal.h"

/* ---- errors ---- */

void bt_h5out_fail(bt_h5out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->err, sizeof o->err, fmt, ap);
    va_end(ap);
}

static herr_t bt_h5out_reason_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    char *buf = data;
    /* Walking upward, the first entry is the innermost, most specific one. */
    if (buf[0] == '\0' && e->desc && e->desc[0])
        snprintf(buf, 200, "%s", e->desc);
    return 0;
}

/* Why the last HDF5 call failed, from the HDF5 error stack. Must run before the next HDF5 API
 * call, which clears the stack. buf must hold 200 bytes. */
const char *bt_h5out_reason(char *buf)
{
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, bt_h5out_reason_cb, buf);
    if (buf[0] == '\0')
        snprintf(buf, 200, "HDF5 error");
    return buf;
}

/* ---- types and shapes ---- */

hid_t bt_h5out_file_type(bt_h5_type t)
{
    switch (t) {
    case BT_H5_F64: return H5T_IEEE_F64LE;
    case BT_H5_U16: return H5T_STD_U16LE;
    case BT_H5_U64: return H5T_STD_U64LE;
    case BT_H5_I8: return H5T_STD_I8LE;
    case BT_H5_I64: return H5T_STD_I64LE;
    }
    return H5I_INVALID_HID;
}

hid_t bt_h5out_mem_type(bt_h5_type t)
{
    switch (t) {
    case BT_H5_F64: return H5T_NATIVE_DOUBLE;
    case BT_H5_U16: return H5T_NATIVE_UINT16;
    case BT_H5_U64: return H5T_NATIVE_UINT64;
    case BT_H5_I8: return H5T_NATIVE_INT8;
    case BT_H5_I64: return H5T_NATIVE_INT64;
    }
    return H5I_INVALID_HID;
}

hsize_t bt_h5out_type_size(bt_h5_type t)
{
    switch (t) {
    case BT_H5_F64: return 8;
    case BT_H5_U16: return 2;
    case BT_H5_U64: return 8;
    case BT_H5_I8: return 1;
    case BT_H5_I64: return 8;
    }
    return 0;
}

/* Product of n dims, saturating at HSIZE_UNDEF so a nonsense shape can't wrap to a small one. */
static hsize_t bt_h5out_product(const hsize_t *dims, int n, hsize_t factor)
{
    hsize_t p = factor;
    for (int i = 0; i < n; i++) {
        if (dims[i] == 0)
            return 0;
        if (p > HSIZE_UNDEF / dims[i])
            return HSIZE_UNDEF;
        p *= dims[i];
    }
    return p;
}

/* Shrinks chunk (from dimension `from` on) until a chunk holds at most BT_H5OUT_CHUNK_CAP bytes.
 * Halving the outermost dimension first keeps each chunk a block of whole rows while it can. */
static void bt_h5out_cap_chunk(hsize_t *chunk, int rank, int from, hsize_t elem_size)
{
    while (bt_h5out_product(chunk, rank, elem_size) > BT_H5OUT_CHUNK_CAP) {
        int i = from;
        while (i < rank - 1 && chunk[i] == 1)
            i++;
        if (chunk[i] == 1)
            return;
        chunk[i] = (chunk[i] + 1) / 2;
    }
}

/* ---- attributes ---- */

/* A variable-length UTF-8 string type. Variable length also lifts the 64 KiB limit of an
 * attribute's object-header message: only a global-heap reference lives in the header. */
static hid_t bt_h5out_vlstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* Writes (or replaces) a scalar attribute of obj. */
static herr_t bt_h5out_put_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                                const void *value)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0 || (exists > 0 && H5Adelete(obj, name) < 0))
        return -1;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, mtype, value);
    if (a >= 0 && H5Aclose(a) < 0)
        rc = -1;
    H5Sclose(space);
    return rc;
}

herr_t bt_h5out_put_string_attr(hid_t obj, const char *name, const char *value)
{
    hid_t t = bt_h5out_vlstr_type();
    if (t < 0)
        return -1;
    const char *v = value ? value : "";
    herr_t rc = bt_h5out_put_attr(obj, name, t, t, &v);
    H5Tclose(t);
    return rc;
}

static herr_t bt_h5out_put_int_attr(hid_t obj, const char *name, int value)
{
    return bt_h5out_put_attr(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

/* ---- datasets ---- */

/* Creates a dataset. Layout: contiguous when any dimension is 0 (HDF5 can't chunk an empty
 * fixed-size extent) or when a non-series dataset is small; otherwise chunked, shuffled and
 * deflated. A series chunk is one epoch (dimension 0 is 1), split further to fit the cap. */
static hid_t bt_h5out_create(bt_h5out *o, const char *path, bt_h5_type type, int rank,
                             const hsize_t *shape, int series)
{
    char why[200];
    hid_t ftype = bt_h5out_file_type(type);
    hsize_t esize = bt_h5out_type_size(type);
    hsize_t bytes = bt_h5out_product(shape, rank, esize);
    int chunked = bytes > 0 && (series || bytes > BT_H5OUT_SMALL_DATASET);
    hsize_t chunk[BT_H5OUT_MAX_RANK];
    hid_t space = -1, dcpl = -1, dapl = -1, dset = -1;

    if ((space = H5Screate_simple(rank, shape, NULL)) < 0 ||
        (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        (dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0)
        goto fail;
    /* A zero fill makes epochs that were never written read as 0 rather than garbage. */
    const unsigned char zero[8] = { 0 };
    if (H5Pset_fill_value(dcpl, bt_h5out_mem_type(type), zero) < 0)
        goto fail;
    if (chunked) {
        memcpy(chunk, shape, (size_t)rank * sizeof *chunk);
        if (series)
            chunk[0] = 1;
        bt_h5out_cap_chunk(chunk, rank, series ? 1 : 0, esize);
        hsize_t chunk_bytes = bt_h5out_product(chunk, rank, esize);
        /* Each write fills whole chunks, so the cache only needs room for one; w0 = 1 evicts
         * fully written chunks first, so memory stays one chunk per open series. */
        if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
            H5Pset_deflate(dcpl, BT_H5OUT_DEFLATE_LEVEL) < 0 ||
            H5Pset_chunk_cache(dapl, 521, (size_t)chunk_bytes, 1.0) < 0)
            goto fail;
    }
    dset = H5Dcreate2(o->file, path, ftype, space, o->lcpl, dcpl, dapl);
    if (dset < 0)
        goto fail;
    H5Pclose(dapl);
    H5Pclose(dcpl);
    H5Sclose(space);
    return dset;
fail:
    bt_h5out_reason(why);
    bt_h5out_fail(o, "cannot create dataset '%s': %s", path, why);
    if (dapl >= 0) H5Pclose(dapl);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return H5I_INVALID_HID;
}

/* Checks the arguments shared by bt_h5out_series and bt_h5out_dataset. */
static int bt_h5out_check_decl(bt_h5out *o, const char *path, bt_h5_type type, int ndims,
                               const size_t *dims, int min_rank, int max_rank)
{
    if (!path || !path[0]) {
        bt_h5out_fail(o, "dataset path is empty");
        return -1;
    }
    if (bt_h5out_file_type(type) == H5I_INVALID_HID) {
        bt_h5out_fail(o, "dataset '%s': unknown element type %d", path, (int)type);
        return -1;
    }
    if (ndims < min_rank || ndims > max_rank || (ndims > 0 && !dims)) {
        bt_h5out_fail(o, "dataset '%s': %d dimensions (must be %d to %d)", path, ndims,
                      min_rank, max_rank);
        return -1;
    }
    return 0;
}

/* Writes n strings (NULL taken as "") as a 1-D dataset of variable-length UTF-8 strings.
 * Contiguous: a VL dataset holds only heap references, so chunking would compress nothing. */
static int bt_h5out_strings(bt_h5out *o, const char *path, const char *const *s, size_t n)
{
    char why[200];
    hsize_t dim = n;
    hid_t t = -1, space = -1, dset = -1;
    const char **v = NULL;
    int rc = -1;

    if (n > 0 && !(v = malloc(n * sizeof *v))) {
        bt_h5out_fail(o, "dataset '%s': out of memory", path);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = s && s[i] ? s[i] : "";
    if ((t = bt_h5out_vlstr_type()) < 0 || (space = H5Screate_simple(1, &dim, NULL)) < 0 ||
        (dset = H5Dcreate2(o->file, path, t, space, o->lcpl, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (n > 0 && H5Dwrite(dset, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)) {
        bt_h5out_fail(o, "cannot write dataset '%s': %s", path, bt_h5out_reason(why));
        goto done;
    }
    rc = 0;
done:
    if (dset >= 0 && H5Dclose(dset) < 0 && rc == 0) {
        bt_h5out_fail(o, "cannot write dataset '%s': %s", path, bt_h5out_reason(why));
        rc = -1;
    }
    if (space >= 0) H5Sclose(space);
    if (t >= 0) H5Tclose(t);
    free(v);
    return rc;
}

/* ---- open ---- */

static int bt_h5out_write_meta(bt_h5out *o, const bt_h5_meta *m)
{
    char why[200];
    uint64_t seed = m->seed;
    if (bt_h5out_put_int_attr(o->file, "schema_version", BT_H5OUT_SCHEMA_VERSION) < 0 ||
        bt_h5out_put_string_attr(o->file, "btsim_version", BTSIM_VERSION) < 0 ||
        bt_h5out_put_attr(o->file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed) < 0 ||
        bt_h5out_put_string_attr(o->file, "name", m->scenario_name) < 0 ||
        bt_h5out_put_string_attr(o->file, "mechanism", m->mechanism) < 0 ||
        bt_h5out_put_string_attr(o->file, "arithmetic", m->arithmetic) < 0 ||
        bt_h5out_put_string_attr(o->file, "scenario", m->scenario_json) < 0) {
        bt_h5out_fail(o, "cannot write metadata to %s: %s", o->tmp_path, bt_h5out_reason(why));
        return -1;
    }
    if (bt_h5out_strings(o, "/peers/name", m->peer_names, m->npeers) < 0 ||
        bt_h5out_strings(o, "/peers/group", m->peer_groups, m->npeers) < 0)
        return -1;
    return 0;
}

static void bt_h5out_free(bt_h5out *o)
{
    for (size_t i = 0; i < o->nseries; i++)
        free(o->series[i].path);
    free(o->series);
    free(o->streams);
    free(o->path);
    free(o->tmp_path);
    free(o);
}

int bt_h5out_open(bt_h5out **out, const char *path, const bt_h5_meta *meta, char *err,
                  size_t errlen)
{
    char why[200];
    *out = NULL;
    /* The library must never print: failures are reported through err / bt_h5out_error. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (!path || !path[0] || !meta) {
        snprintf(err, errlen, "no output path or metadata");
        return -1;
    }
    if (meta->epochs < 0 || (meta->npeers > 0 && !meta->peer_names)) {
        snprintf(err, errlen, "%s: bad metadata (epochs %ld, %zu peers%s)", path, meta->epochs,
                 meta->npeers, meta->peer_names ? "" : " without names");
        return -1;
    }
    bt_h5out *o = calloc(1, sizeof *o);
    size_t tlen = strlen(path) + 32;
    if (!o || !(o->path = strdup(path)) || !(o->tmp_path = malloc(tlen))) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (o)
            bt_h5out_free(o);
        return -1;
    }
    o->file = o->lcpl = H5I_INVALID_HID;
    o->epochs = meta->epochs;
    snprintf(o->tmp_path, tlen, "%s.tmp.%ld", path, (long)getpid());

    /* Create the file ourselves first: errno gives a far clearer reason ("No such file or
     * directory") than the HDF5 error stack does. */
    int fd = open(o->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", o->tmp_path, strerror(errno));
        bt_h5out_free(o);
        return -1;
    }
    close(fd);

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* Strong close: H5Fclose really closes the file even on error paths that leave ids open. */
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        o->file = H5Fcreate(o->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (o->file < 0) {
        snprintf(err, errlen, "cannot create %s: %s", o->tmp_path, bt_h5out_reason(why));
        if (fapl >= 0)
            H5Pclose(fapl);
        unlink(o->tmp_path);
        bt_h5out_free(o);
        return -1;
    }
    H5Pclose(fapl);
    o->lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (o->lcpl < 0 || H5Pset_create_intermediate_group(o->lcpl, 1) < 0 ||
        H5Pset_char_encoding(o->lcpl, H5T_CSET_UTF8) < 0) {
        bt_h5out_fail(o, "cannot set up %s: %s", o->tmp_path, bt_h5out_reason(why));
        goto fail;
    }
    if (bt_h5out_write_meta(o, meta) < 0)
        goto fail;
    *out = o;
    return 0;
fail:
    snprintf(err, errlen, "%s", o->err);
    bt_h5out_abort(o);
    return -1;
}

/* ---- series ---- */

int bt_h5out_series(bt_h5out *o, const char *dataset_path, bt_h5_type type, int ndims,
                    const size_t *dims, const char *units_attr)
{
    char why[200];
    if (!o)
        return -1;
    if (bt_h5out_check_decl(o, dataset_path, type, ndims, dims, 1, BT_H5OUT_MAX_RANK - 1) < 0)
        return -1;
    if (o->nseries == o->series_cap) {
        size_t cap = o->series_cap ? 2 * o->series_cap : 16;
        bt_h5out_series_t *s = realloc(o->series, cap * sizeof *s);
        if (!s) {
            bt_h5out_fail(o, "series '%s': out of memory", dataset_path);
            return -1;
        }
        o->series = s;
        o->series_cap = cap;
    }
    bt_h5out_series_t s = { 0 };
    int rank = ndims + 1;
    s.dims[0] = (hsize_t)o->epochs;
    for (int i = 0; i < ndims; i++)
        s.dims[i + 1] = dims[i];
    s.slice_elems = bt_h5out_product(s.dims + 1, ndims, 1);
    s.memtype = bt_h5out_mem_type(type);
    s.filespace = s.memspace = H5I_INVALID_HID;
    if (!(s.path = strdup(dataset_path))) {
        bt_h5out_fail(o, "series '%s': out of memory", dataset_path);
        return -1;
    }
    s.dset = bt_h5out_create(o, dataset_path, type, rank, s.dims, 1);
    if (s.dset < 0)
        goto fail;
    if ((units_attr && bt_h5out_put_string_attr(s.dset, "units", units_attr) < 0) ||
        (s.filespace = H5Dget_space(s.dset)) < 0 ||
        (s.memspace = H5Screate_simple(1, &s.slice_elems, NULL)) < 0) {
        bt_h5out_fail(o, "series '%s': %s", dataset_path, bt_h5out_reason(why));
        goto fail;
    }
    o->series[o->nseries] = s;
    return (int)o->nseries++;
fail:
    if (s.memspace >= 0) H5Sclose(s.memspace);
    if (s.filespace >= 0) H5Sclose(s.filespace);
    if (s.dset >= 0) H5Dclose(s.dset);
    free(s.path);
    return -1;
}

int bt_h5out_write(bt_h5out *o, int series, long epoch, const void *data)
{
    char why[200];
    if (!o)
        return -1;
    if (series < 0 || (size_t)series >= o->nseries) {
        bt_h5out_fail(o, "no series with handle %d", series);
        return -1;
    }
    bt_h5out_series_t *s = &o->series[series];
    if (epoch < 0 || epoch >= o->epochs) {
        bt_h5out_fail(o, "series '%s': epoch %ld outside 0..%ld", s->path, epoch,
                      o->epochs - 1);
        return -1;
    }
    if (s->slice_elems == 0)
        return 0;
    if (!data) {
        bt_h5out_fail(o, "series '%s': no data for epoch %ld", s->path, epoch);
        return -1;
    }
    hsize_t start[BT_H5OUT_MAX_RANK] = { (hsize_t)epoch, 0, 0 };
    hsize_t count[BT_H5OUT_MAX_RANK] = { 1, s->dims[1], s->dims[2] };
    if (H5Sselect_hyperslab(s->filespace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dwrite(s->dset, s->memtype, s->memspace, s->filespace, H5P_DEFAULT, data) < 0) {
        bt_h5out_fail(o, "series '%s': cannot write epoch %ld: %s", s->path, epoch,
                      bt_h5out_reason(why));
        return -1;
    }
    return 0;
}

/* ---- whole datasets and attributes ---- */

int bt_h5out_dataset(bt_h5out *o, const char *dataset_path, bt_h5_type type, int ndims,
                     const size_t *dims, const void *data)
{
    char why[200];
    if (!o)
        return -1;
    if (bt_h5out_check_decl(o, dataset_path, type, ndims, dims, 1, BT_H5OUT_MAX_RANK) < 0)
        return -1;
    hsize_t shape[BT_H5OUT_MAX_RANK];
    for (int i = 0; i < ndims; i++)
        shape[i] = dims[i];
    int empty = bt_h5out_product(shape, ndims, 1) == 0;
    if (!empty && !data) {
        bt_h5out_fail(o, "dataset '%s': no data", dataset_path);
        return -1;
    }
    hid_t dset = bt_h5out_create(o, dataset_path, type, ndims, shape, 0);
    if (dset < 0)
        return -1;
    herr_t rc = empty ? 0 : H5Dwrite(dset, bt_h5out_mem_type(type), H5S_ALL, H5S_ALL,
                                     H5P_DEFAULT, data);
    /* Closing flushes the chunks, so a close failure is a write failure too. */
    if (H5Dclose(dset) < 0)
        rc = -1;
    if (rc < 0) {
        bt_h5out_fail(o, "cannot write dataset '%s': %s", dataset_path, bt_h5out_reason(why));
        return -1;
    }
    return 0;
}

int bt_h5out_string_dataset(bt_h5out *o, const char *dataset_path, const char *const *s, size_t n)
{
    return bt_h5out_strings(o, dataset_path, s, n) < 0 ? -1 : 0;
}

int bt_h5out_attr_string(bt_h5out *o, const char *name, const char *value)
{
    char why[200];
    if (!o)
        return -1;
    if (!name || !name[0] || strcmp(name, "complete") == 0) {
        /* "complete" is written by commit alone: it is the promise that the run finished. */
        bt_h5out_fail(o, "attribute name '%s' is not allowed", name ? name : "");
        return -1;
    }
    if (bt_h5out_put_string_attr(o->file, name, value) < 0) {
        bt_h5out_fail(o, "cannot write attribute '%s': %s", name, bt_h5out_reason(why));
        return -1;
    }
    return 0;
}

/* ---- commit and abort ---- */

/* Closes every id this object holds; returns -1 if any close failed (a dataset close flushes
 * its last chunks, so it can fail for real, e.g. on a full disk). */
static int bt_h5out_close_all(bt_h5out *o)
{
    int rc = bt_h5out_close_streams(o);
    for (size_t i = 0; i < o->nseries; i++) {
        bt_h5out_series_t *s = &o->series[i];
        if (s->memspace >= 0 && H5Sclose(s->memspace) < 0) rc = -1;
        if (s->filespace >= 0 && H5Sclose(s->filespace) < 0) rc = -1;
        if (s->dset >= 0 && H5Dclose(s->dset) < 0) rc = -1;
        s->memspace = s->filespace = s->dset = H5I_INVALID_HID;
    }
    if (o->lcpl >= 0 && H5Pclose(o->lcpl) < 0) rc = -1;
    o->lcpl = H5I_INVALID_HID;
    if (o->file >= 0 && H5Fclose(o->file) < 0) rc = -1;
    o->file = H5I_INVALID_HID;
    return rc;
}

/* fsyncs a file or directory by name. */
static int bt_h5out_fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* fsyncs the directory holding path so that the rename itself survives a crash. */
static void bt_h5out_sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        bt_h5out_fsync_path(".", O_RDONLY | O_DIRECTORY);
        return;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = strndup(path, n);
    if (dir) {
        /* Best effort: some file systems refuse fsync on directories; the data is safe anyway. */
        bt_h5out_fsync_path(dir, O_RDONLY | O_DIRECTORY);
        free(dir);
    }
}

int bt_h5out_commit(bt_h5out *o, char *err, size_t errlen)
{
    char why[200];
    if (!o) {
        snprintf(err, errlen, "no output to commit");
        return -1;
    }
    if (bt_h5out_put_int_attr(o->file, "complete", 1) < 0 ||
        H5Fflush(o->file, H5F_SCOPE_LOCAL) < 0) {
        bt_h5out_fail(o, "cannot finish %s: %s", o->tmp_path, bt_h5out_reason(why));
        goto fail;
    }
    /* The file itself should be the only thing left open; anything else is a leak here. */
    ssize_t open_objs = H5Fget_obj_count(o->file, H5F_OBJ_ALL | H5F_OBJ_LOCAL);
    ssize_t expected = 1 + (ssize_t)o->nseries + (ssize_t)o->nstreams;
    if (open_objs != expected) {
        bt_h5out_fail(o, "internal error: %zd HDF5 objects open in %s, expected %zd",
                      open_objs, o->tmp_path, expected);
        goto fail;
    }
    if (bt_h5out_close_all(o) < 0) {
        bt_h5out_fail(o, "cannot close %s: %s", o->tmp_path, bt_h5out_reason(why));
        goto fail;
    }
    if (bt_h5out_fsync_path(o->tmp_path, O_RDONLY) < 0) {
        bt_h5out_fail(o, "cannot sync %s: %s", o->tmp_path, strerror(errno));
        goto fail;
    }
    if (rename(o->tmp_path, o->path) < 0) {
        bt_h5out_fail(o, "cannot rename %s to %s: %s", o->tmp_path, o->path, strerror(errno));
        goto fail;
    }
    bt_h5out_sync_dir(o->path);
    bt_h5out_free(o);
    return 0;
fail:
    snprintf(err, errlen, "%s", o->err);
    bt_h5out_abort(o);
    return -1;
}

void bt_h5out_abort(bt_h5out *o)
{
    if (!o)
        return;
    bt_h5out_close_all(o);
    unlink(o->tmp_path);
    bt_h5out_free(o);
}

const char *bt_h5out_error(const bt_h5out *o)
{
    return o ? o->err : "";
}
