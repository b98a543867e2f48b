/* Internal to sim/io/h5out*.c: the writer's state and the helpers its files share. */
#ifndef BT_H5OUT_INTERNAL_H
#define BT_H5OUT_INTERNAL_H

#include <hdf5.h>
#include "io/h5out.h"

#ifndef BTSIM_VERSION
#define BTSIM_VERSION "dev"
#endif

#define BT_H5OUT_SCHEMA_VERSION 1
#define BT_H5OUT_MAX_RANK 3
/* Chunks of at most 1 MiB: big enough for deflate to work well, small enough that the chunk
 * cache (one chunk per dataset) stays small with dozens of series open. */
#define BT_H5OUT_CHUNK_CAP ((hsize_t)1 << 20)
/* Whole datasets below this many bytes are stored contiguously: a chunk index and a filter
 * pipeline cost more than compression saves on a few KiB. */
#define BT_H5OUT_SMALL_DATASET ((hsize_t)8192)
#define BT_H5OUT_DEFLATE_LEVEL 4

typedef struct {
    char *path;
    hid_t dset;
    hid_t filespace;  /* the whole dataset; the epoch slice is re-selected on each write */
    hid_t memspace;   /* one epoch slice as a flat array */
    hid_t memtype;    /* a predefined native type: never closed */
    hsize_t dims[BT_H5OUT_MAX_RANK];
    hsize_t slice_elems;
} bt_h5out_series_t;

typedef struct {
    char *path;
    hid_t dset;
    hid_t memtype;
    hsize_t len;      /* elements written so far */
} bt_h5out_stream_t;

struct bt_h5out {
    hid_t file;
    hid_t lcpl;       /* link creation: makes missing parent groups */
    long epochs;
    char *path;       /* final name */
    char *tmp_path;   /* PATH.tmp.<pid>, the name while writing */
    bt_h5out_series_t *series;
    size_t nseries, series_cap;
    bt_h5out_stream_t *streams;
    size_t nstreams, streams_cap;
    char err[512];
};

void bt_h5out_fail(bt_h5out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *bt_h5out_reason(char *buf);
hid_t bt_h5out_file_type(bt_h5_type t);
hid_t bt_h5out_mem_type(bt_h5_type t);
hsize_t bt_h5out_type_size(bt_h5_type t);
herr_t bt_h5out_put_string_attr(hid_t obj, const char *name, const char *value);
/* h5out_stream.c: closes every stream and frees their names. 0 or -1. */
int bt_h5out_close_streams(bt_h5out *o);

#endif
