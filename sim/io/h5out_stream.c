/* Appendable 1-D datasets of the HDF5 writer: created empty with an unlimited extent, extended
 * and written at the end on each append. Used for data whose size is not known up front:
 * sparse bonds and weights, event logs. */
#include "io/h5out_internal.h"
#include <stdlib.h>
#include <string.h>

/* 64 Ki elements a chunk: appends of a few entries stay cheap, big ones compress well. */
#define STREAM_CHUNK ((hsize_t)65536)

int bt_h5out_stream(bt_h5out *o, const char *dataset_path, bt_h5_type type, const char *units_attr)
{
    char why[200];
    if (!o) return -1;
    if (!dataset_path || !dataset_path[0] || bt_h5out_file_type(type) == H5I_INVALID_HID) {
        bt_h5out_fail(o, "stream: bad path or type");
        return -1;
    }
    if (o->nstreams == o->streams_cap) {
        size_t cap = o->streams_cap ? 2 * o->streams_cap : 8;
        bt_h5out_stream_t *s = realloc(o->streams, cap * sizeof *s);
        if (!s) { bt_h5out_fail(o, "stream '%s': out of memory", dataset_path); return -1; }
        o->streams = s;
        o->streams_cap = cap;
    }
    hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = STREAM_CHUNK;
    hid_t space = -1, dcpl = -1, dset = -1;
    bt_h5out_stream_t st = {strdup(dataset_path), H5I_INVALID_HID, bt_h5out_mem_type(type), 0};
    if (!st.path) { bt_h5out_fail(o, "stream '%s': out of memory", dataset_path); return -1; }
    if ((space = H5Screate_simple(1, &zero, &unlimited)) < 0 || (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 ||
        H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, BT_H5OUT_DEFLATE_LEVEL) < 0 ||
        (dset = H5Dcreate2(o->file, dataset_path, bt_h5out_file_type(type), space, o->lcpl, dcpl,
                           H5P_DEFAULT)) < 0 ||
        (units_attr && bt_h5out_put_string_attr(dset, "units", units_attr) < 0)) {
        bt_h5out_fail(o, "cannot create stream '%s': %s", dataset_path, bt_h5out_reason(why));
        if (dset >= 0) H5Dclose(dset);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (space >= 0) H5Sclose(space);
        free(st.path);
        return -1;
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    st.dset = dset;
    o->streams[o->nstreams] = st;
    return (int)o->nstreams++;
}

int bt_h5out_append(bt_h5out *o, int stream, const void *data, size_t n)
{
    char why[200];
    if (!o) return -1;
    if (stream < 0 || (size_t)stream >= o->nstreams) {
        bt_h5out_fail(o, "no stream with handle %d", stream);
        return -1;
    }
    bt_h5out_stream_t *s = &o->streams[stream];
    if (n == 0) return 0;
    hsize_t start = s->len, count = n, size = s->len + n;
    hid_t fspace = -1, mspace = -1;
    int rc = -1;
    if (H5Dset_extent(s->dset, &size) < 0 || (fspace = H5Dget_space(s->dset)) < 0 ||
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0 ||
        (mspace = H5Screate_simple(1, &count, NULL)) < 0 ||
        H5Dwrite(s->dset, s->memtype, mspace, fspace, H5P_DEFAULT, data) < 0)
        bt_h5out_fail(o, "stream '%s': cannot append %zu elements: %s", s->path, n, bt_h5out_reason(why));
    else {
        s->len = size;
        rc = 0;
    }
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

int bt_h5out_close_streams(bt_h5out *o)
{
    int rc = 0;
    for (size_t i = 0; i < o->nstreams; i++) {
        if (o->streams[i].dset >= 0 && H5Dclose(o->streams[i].dset) < 0) rc = -1;
        o->streams[i].dset = H5I_INVALID_HID;
        free(o->streams[i].path);
        o->streams[i].path = NULL;
    }
    o->nstreams = 0;
    return rc;
}
