/* HDF5 output of a run: per-epoch series written as the run goes, under a temporary name,
 * renamed to the final name only by bt_h5out_commit (so a file that exists is complete).
 * Schema: docs/hdf5-schema.md. */
#ifndef BT_H5OUT_H
#define BT_H5OUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bt_h5out bt_h5out;

typedef enum { BT_H5_F64 = 0, BT_H5_U16, BT_H5_U64, BT_H5_I8, BT_H5_I64 } bt_h5_type;

typedef struct {
    const char *scenario_json;   /* stored as root attribute "scenario" */
    const char *scenario_name;   /* root attribute "name" */
    uint64_t seed;               /* root attribute "seed" */
    long epochs;                 /* first dimension of every series */
    size_t npeers;
    const char *const *peer_names;   /* /peers/name */
    const char *const *peer_groups;  /* /peers/group ("" allowed) */
    const char *mechanism;       /* root attribute "mechanism" (kind name) */
    const char *arithmetic;      /* root attribute "arithmetic" */
} bt_h5_meta;

/* Creates PATH.tmp.<pid> and writes the metadata. Returns 0, or -1 with a message in err. */
int bt_h5out_open(bt_h5out **out, const char *path, const bt_h5_meta *meta, char *err, size_t errlen);

/* Declares a series: a chunked, compressed dataset of shape [epochs x dims...] (ndims 1 or 2,
 * e.g. {npeers} or {npeers, npeers}). Returns a handle >= 0, or -1. Parent groups are created. */
int bt_h5out_series(bt_h5out *o, const char *dataset_path, bt_h5_type type, int ndims,
                    const size_t *dims, const char *units_attr);

/* Writes epoch `epoch`'s slice of a series (dims elements in row-major order). 0 or -1. */
int bt_h5out_write(bt_h5out *o, int series, long epoch, const void *data);

/* Writes a whole, non-series dataset (e.g. a summary table) of shape dims. 0 or -1. */
int bt_h5out_dataset(bt_h5out *o, const char *dataset_path, bt_h5_type type, int ndims,
                     const size_t *dims, const void *data);

/* A 1-D dataset that grows as data is appended (sparse matrices, event logs): chunked,
 * compressed, unlimited. Returns a handle >= 0, or -1. */
int bt_h5out_stream(bt_h5out *o, const char *dataset_path, bt_h5_type type, const char *units_attr);

/* Appends n elements to a stream. 0 or -1. */
int bt_h5out_append(bt_h5out *o, int stream, const void *data, size_t n);

/* A whole 1-D dataset of n variable-length UTF-8 strings. 0 or -1. */
int bt_h5out_string_dataset(bt_h5out *o, const char *dataset_path, const char *const *s, size_t n);

/* Root-level string attribute. 0 or -1. */
int bt_h5out_attr_string(bt_h5out *o, const char *name, const char *value);

/* Flushes, closes and renames to the final path; frees o. 0, or -1 with err filled. */
int bt_h5out_commit(bt_h5out *o, char *err, size_t errlen);

/* Closes and deletes the temporary file; frees o. Safe on NULL. */
void bt_h5out_abort(bt_h5out *o);

/* The message of the last failing call on o (empty if none). */
const char *bt_h5out_error(const bt_h5out *o);

#endif
