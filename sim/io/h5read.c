/* Reader for btsim HDF5 runs (see h5read.h). The files it reads may be malformed or hostile
 * (the reader is fuzzed), so nothing the file says is trusted before it is checked: ranks,
 * element counts, datatypes and storage are validated, external links, external raw-data files
 * and virtual datasets are refused (they would make a read reach into other files), and sizes
 * are multiplied with overflow checks before anything is allocated. */
#include "io/h5read.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BT_H5READ_MAX_RANK 3
/* Cap on the strings of one dataset: far above any peer count, far below what would let a
 * forged extent make us allocate gigabytes of pointers. */
#define BT_H5READ_MAX_STRINGS ((size_t)1 << 24)
/* Cap on one fixed-length string (HDF5 allows up to 4 GiB). */
#define BT_H5READ_MAX_STRLEN ((size_t)1 << 30)

struct bt_h5read {
    hid_t file;
    hid_t dapl;   /* dataset access: refuses external links */
    char err[512];
};

/* ---- errors ---- */

static void bt_h5read_fail(bt_h5read *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

static herr_t bt_h5read_reason_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    char *buf = data;
    if (buf[0] == '\0' && e->desc && e->desc[0])
        snprintf(buf, 200, "%s", e->desc);
    return 0;
}

/* Innermost message of the HDF5 error stack; call right after the failing HDF5 call.
 * buf must hold 200 bytes. */
static const char *bt_h5read_reason(char *buf)
{
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, bt_h5read_reason_cb, buf);
    if (buf[0] == '\0')
        snprintf(buf, 200, "HDF5 error");
    return buf;
}

/* ---- open ---- */

static herr_t bt_h5read_deny_elink(const char *parent_file, const char *parent_group,
                                   const char *child_file, const char *child_object,
                                   unsigned *acc_flags, hid_t fapl, void *data)
{
    (void)parent_file, (void)parent_group, (void)child_file, (void)child_object;
    (void)acc_flags, (void)fapl, (void)data;
    return -1;
}

/* Accepts only the standard integer and IEEE float types, in either byte order: anything
 * else (custom precisions, odd bit offsets) would go through HDF5's rarely used soft
 * conversions for no benefit. */
static int bt_h5read_numeric_type(hid_t t)
{
    const hid_t known[] = {
        H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
        H5T_STD_I8LE, H5T_STD_I8BE, H5T_STD_U8LE, H5T_STD_U8BE,
        H5T_STD_I16LE, H5T_STD_I16BE, H5T_STD_U16LE, H5T_STD_U16BE,
        H5T_STD_I32LE, H5T_STD_I32BE, H5T_STD_U32LE, H5T_STD_U32BE,
        H5T_STD_I64LE, H5T_STD_I64BE, H5T_STD_U64LE, H5T_STD_U64BE,
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (H5Tequal(t, known[i]) > 0)
            return 1;
    return 0;
}

/* Reads the root attribute "complete" and checks that it is the integer 1. */
static int bt_h5read_check_complete(bt_h5read *r, const char *path)
{
    char why[200];
    htri_t exists = H5Aexists(r->file, "complete");
    if (exists < 0) {
        bt_h5read_fail(r, "%s: cannot read root attributes: %s", path, bt_h5read_reason(why));
        return -1;
    }
    if (exists == 0) {
        bt_h5read_fail(r, "%s is not a complete btsim run (no \"complete\" attribute: the run "
                          "was interrupted or the file was not written by btsim)", path);
        return -1;
    }
    hid_t a = H5Aopen(r->file, "complete", H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    long long v = 0;
    int ok = t >= 0 && s >= 0 && H5Tget_class(t) == H5T_INTEGER && bt_h5read_numeric_type(t) &&
             H5Sget_simple_extent_npoints(s) == 1 &&
             H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0 && v == 1;
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    if (!ok) {
        bt_h5read_fail(r, "%s is not a complete btsim run (attribute \"complete\" is not the "
                          "integer 1)", path);
        return -1;
    }
    return 0;
}

int bt_h5read_open(bt_h5read **out, const char *path, char *err, size_t errlen)
{
    char why[200];
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (!path || !path[0]) {
        snprintf(err, errlen, "no input path");
        return -1;
    }
    /* errno gives a clearer reason for a missing or unreadable file than HDF5's stack. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    bt_h5read *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    r->file = r->dapl = H5I_INVALID_HID;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        r->file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (r->file < 0) {
        bt_h5read_reason(why);
        snprintf(err, errlen, "cannot read %s as HDF5: %s", path, why);
        if (fapl >= 0)
            H5Pclose(fapl);
        bt_h5read_close(r);
        return -1;
    }
    H5Pclose(fapl);
    r->dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (r->dapl < 0 || H5Pset_elink_cb(r->dapl, bt_h5read_deny_elink, NULL) < 0) {
        snprintf(err, errlen, "%s: %s", path, bt_h5read_reason(why));
        bt_h5read_close(r);
        return -1;
    }
    if (bt_h5read_check_complete(r, path) < 0) {
        snprintf(err, errlen, "%s", r->err);
        bt_h5read_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

/* ---- datasets ---- */

typedef struct {
    hid_t dset, type, space;
    int rank;
    size_t dims[BT_H5READ_MAX_RANK];
    size_t count;
} bt_h5read_ds;

static void bt_h5read_ds_close(bt_h5read_ds *d)
{
    if (d->space >= 0) H5Sclose(d->space);
    if (d->type >= 0) H5Tclose(d->type);
    if (d->dset >= 0) H5Dclose(d->dset);
    d->space = d->type = d->dset = H5I_INVALID_HID;
}

/* Opens a dataset and checks what every reader needs: storage inside this file, a simple or
 * scalar dataspace of rank <= 3, and an element count that fits size_t. */
static int bt_h5read_ds_open(bt_h5read *r, const char *name, bt_h5read_ds *d)
{
    char why[200];
    hsize_t dims[BT_H5READ_MAX_RANK];
    memset(d, 0, sizeof *d);
    d->dset = d->type = d->space = H5I_INVALID_HID;
    if (!r)
        return -1;
    if (!name || !name[0]) {
        bt_h5read_fail(r, "no dataset name");
        return -1;
    }
    d->dset = H5Dopen2(r->file, name, r->dapl);
    if (d->dset < 0) {
        bt_h5read_fail(r, "no dataset '%s': %s", name, bt_h5read_reason(why));
        return -1;
    }
    hid_t dcpl = H5Dget_create_plist(d->dset);
    if (dcpl < 0) {
        bt_h5read_fail(r, "dataset '%s': %s", name, bt_h5read_reason(why));
        goto fail;
    }
    int external = H5Pget_external_count(dcpl);
    H5D_layout_t layout = H5Pget_layout(dcpl);
    H5Pclose(dcpl);
    if (external != 0 || layout == H5D_VIRTUAL || layout < 0) {
        bt_h5read_fail(r, "dataset '%s': data stored outside the file (not allowed)", name);
        goto fail;
    }
    if ((d->type = H5Dget_type(d->dset)) < 0 || (d->space = H5Dget_space(d->dset)) < 0) {
        bt_h5read_fail(r, "dataset '%s': %s", name, bt_h5read_reason(why));
        goto fail;
    }
    H5S_class_t cls = H5Sget_simple_extent_type(d->space);
    d->rank = cls == H5S_SCALAR ? 0 : H5Sget_simple_extent_ndims(d->space);
    if ((cls != H5S_SIMPLE && cls != H5S_SCALAR) || d->rank < 0 ||
        d->rank > BT_H5READ_MAX_RANK) {
        bt_h5read_fail(r, "dataset '%s': unsupported dataspace (rank %d; at most %d)", name,
                       d->rank, BT_H5READ_MAX_RANK);
        goto fail;
    }
    if (d->rank > 0 && H5Sget_simple_extent_dims(d->space, dims, NULL) != d->rank) {
        bt_h5read_fail(r, "dataset '%s': %s", name, bt_h5read_reason(why));
        goto fail;
    }
    d->count = 1;
    for (int i = 0; i < d->rank; i++) {
        if (dims[i] > SIZE_MAX || (dims[i] != 0 && d->count > SIZE_MAX / dims[i])) {
            bt_h5read_fail(r, "dataset '%s': extent too large", name);
            goto fail;
        }
        d->dims[i] = (size_t)dims[i];
        d->count *= d->dims[i];
    }
    return 0;
fail:
    bt_h5read_ds_close(d);
    return -1;
}

int bt_h5read_dims(bt_h5read *r, const char *dataset, int *ndims, size_t dims[3])
{
    bt_h5read_ds d;
    if (bt_h5read_ds_open(r, dataset, &d) < 0)
        return -1;
    *ndims = d.rank;
    for (int i = 0; i < BT_H5READ_MAX_RANK; i++)
        dims[i] = i < d.rank ? d.dims[i] : 0;
    bt_h5read_ds_close(&d);
    return 0;
}

int bt_h5read_f64(bt_h5read *r, const char *dataset, double *buf, size_t n)
{
    char why[200];
    bt_h5read_ds d;
    if (bt_h5read_ds_open(r, dataset, &d) < 0)
        return -1;
    int rc = -1;
    if (!bt_h5read_numeric_type(d.type)) {
        bt_h5read_fail(r, "dataset '%s' is not numeric (integer or IEEE float)", dataset);
        goto done;
    }
    if (d.count != n) {
        bt_h5read_fail(r, "dataset '%s' has %zu elements, caller expects %zu", dataset,
                       d.count, n);
        goto done;
    }
    if (n > 0 && (!buf || H5Dread(d.dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                  buf) < 0)) {
        bt_h5read_fail(r, "cannot read dataset '%s': %s", dataset,
                       buf ? bt_h5read_reason(why) : "no buffer");
        goto done;
    }
    rc = 0;
done:
    bt_h5read_ds_close(&d);
    return rc;
}

/* ---- strings ---- */

void bt_h5read_free_strings(char **strings, size_t n)
{
    if (!strings)
        return;
    for (size_t i = 0; i < n; i++)
        free(strings[i]);
    free(strings);
}

/* Copies n strings out of HDF5's buffer into malloc'ed C strings: from `vl` (variable length,
 * NULL taken as "") or from `fixed` (n slots of `size` bytes, not necessarily NUL-terminated). */
static char **bt_h5read_copy_strings(char *const *vl, const char *fixed, size_t size, size_t n)
{
    char **out = calloc(n ? n : 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = vl ? (vl[i] ? vl[i] : "") : fixed + i * size;
        size_t len = vl ? strlen(s) : strnlen(s, size);
        if (!(out[i] = malloc(len + 1))) {
            bt_h5read_free_strings(out, i);
            return NULL;
        }
        memcpy(out[i], s, len);
        out[i][len] = '\0';
    }
    return out;
}

/* Reads n string elements from a dataset (attr < 0) or an attribute (dset < 0) whose file type
 * is ftype and file dataspace is space, into malloc'ed strings. */
static char **bt_h5read_string_elems(bt_h5read *r, const char *what, hid_t dset, hid_t attr,
                                     hid_t ftype, hid_t space, size_t n)
{
    char why[200];
    char **out = NULL;
    htri_t is_vl = H5Tis_variable_str(ftype);
    H5T_cset_t cset = H5Tget_cset(ftype);
    size_t size = H5Tget_size(ftype);
    if (is_vl < 0 || cset < 0 || (!is_vl && (size == 0 || size > BT_H5READ_MAX_STRLEN))) {
        bt_h5read_fail(r, "%s: bad string type", what);
        return NULL;
    }
    if (!is_vl && n > SIZE_MAX / size) {
        bt_h5read_fail(r, "%s: too large", what);
        return NULL;
    }
    /* The memory type keeps the file's character set: HDF5 does not convert between sets. */
    hid_t mtype = H5Tcopy(H5T_C_S1);
    if (mtype < 0 || H5Tset_cset(mtype, cset) < 0 ||
        H5Tset_size(mtype, is_vl ? H5T_VARIABLE : size) < 0 ||
        (!is_vl && H5Tset_strpad(mtype, H5T_STR_NULLPAD) < 0)) {
        bt_h5read_fail(r, "%s: %s", what, bt_h5read_reason(why));
        if (mtype >= 0)
            H5Tclose(mtype);
        return NULL;
    }
    /* Zeroed, so that after a failed read only the pointers HDF5 actually stored get freed. */
    void *buf = calloc(n ? n : 1, is_vl ? sizeof(char *) : size);
    if (!buf) {
        bt_h5read_fail(r, "%s: out of memory", what);
        H5Tclose(mtype);
        return NULL;
    }
    herr_t rc = n == 0 ? 0 : dset >= 0 ? H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)
                                       : H5Aread(attr, mtype, buf);
    if (rc < 0) {
        bt_h5read_fail(r, "cannot read %s: %s", what, bt_h5read_reason(why));
    } else {
        out = is_vl ? bt_h5read_copy_strings(buf, NULL, 0, n)
                    : bt_h5read_copy_strings(NULL, buf, size, n);
        if (!out)
            bt_h5read_fail(r, "%s: out of memory", what);
    }
    if (is_vl && n > 0)
        H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf);
    free(buf);
    H5Tclose(mtype);
    return out;
}

int bt_h5read_strings(bt_h5read *r, const char *dataset, char ***out, size_t *n)
{
    char what[300];
    bt_h5read_ds d;
    *out = NULL;
    *n = 0;
    if (bt_h5read_ds_open(r, dataset, &d) < 0)
        return -1;
    int rc = -1;
    snprintf(what, sizeof what, "dataset '%s'", dataset);
    if (H5Tget_class(d.type) != H5T_STRING) {
        bt_h5read_fail(r, "dataset '%s' is not a string dataset", dataset);
        goto done;
    }
    if (d.rank != 1 || d.count > BT_H5READ_MAX_STRINGS) {
        bt_h5read_fail(r, "dataset '%s': expected a list of at most %zu strings", dataset,
                       BT_H5READ_MAX_STRINGS);
        goto done;
    }
    char **s = bt_h5read_string_elems(r, what, d.dset, H5I_INVALID_HID, d.type, d.space,
                                      d.count);
    if (!s)
        goto done;
    *out = s;
    *n = d.count;
    rc = 0;
done:
    bt_h5read_ds_close(&d);
    return rc;
}

int bt_h5read_attr_string(bt_h5read *r, const char *name, char **out)
{
    char why[200], what[300];
    *out = NULL;
    if (!r)
        return -1;
    if (!name || !name[0]) {
        bt_h5read_fail(r, "no attribute name");
        return -1;
    }
    snprintf(what, sizeof what, "attribute '%s'", name);
    htri_t exists = H5Aexists(r->file, name);
    if (exists <= 0) {
        bt_h5read_fail(r, "no attribute '%s'%s%s", name, exists < 0 ? ": " : "",
                       exists < 0 ? bt_h5read_reason(why) : "");
        return -1;
    }
    hid_t a = H5Aopen(r->file, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    hid_t s = a >= 0 ? H5Aget_space(a) : -1;
    int rc = -1;
    if (t < 0 || s < 0) {
        bt_h5read_fail(r, "cannot open %s: %s", what, bt_h5read_reason(why));
    } else if (H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_npoints(s) != 1) {
        bt_h5read_fail(r, "%s is not a single string", what);
    } else {
        char **v = bt_h5read_string_elems(r, what, H5I_INVALID_HID, a, t, s, 1);
        if (v) {
            *out = v[0];
            free(v);
            rc = 0;
        }
    }
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return rc;
}

/* ---- close ---- */

const char *bt_h5read_error(const bt_h5read *r)
{
    return r ? r->err : "";
}

void bt_h5read_close(bt_h5read *r)
{
    if (!r)
        return;
    if (r->dapl >= 0)
        H5Pclose(r->dapl);
    if (r->file >= 0)
        H5Fclose(r->file);
    free(r);
}
