/* Reading back a btsim HDF5 run (docs/hdf5-schema.md), for the `report` command and the tests.
 * Only complete runs open (root attribute "complete" = 1). Every call checks what the file
 * claims (types, ranks, sizes) before trusting it, so a malformed or hostile file gives -1 and
 * a message, not a crash. Messages: err for bt_h5read_open, bt_h5read_error afterwards. */
#ifndef BT_H5READ_H
#define BT_H5READ_H

#include <stddef.h>

typedef struct bt_h5read bt_h5read;

/* Opens a complete run read-only. Returns 0, or -1 with a one-line message in err. */
int bt_h5read_open(bt_h5read **r, const char *path, char *err, size_t errlen);

/* Shape of a numeric or string dataset of rank 0 to 3 (rank 0: a scalar, no dims). 0 or -1. */
int bt_h5read_dims(bt_h5read *r, const char *dataset, int *ndims, size_t dims[3]);

/* Reads a whole integer or floating-point dataset converted to double, row-major. n must be
 * its element count (the product of bt_h5read_dims). 0 or -1. */
int bt_h5read_f64(bt_h5read *r, const char *dataset, double *buf, size_t n);

/* Reads a 1-D string dataset (variable or fixed length) into *out, n strings each malloc'ed;
 * free with bt_h5read_free_strings. 0 or -1 (then *out is NULL and *n 0). */
int bt_h5read_strings(bt_h5read *r, const char *dataset, char ***out, size_t *n);
void bt_h5read_free_strings(char **strings, size_t n);

/* Reads a root string attribute into *out (malloc'ed; free it). 0 or -1. */
int bt_h5read_attr_string(bt_h5read *r, const char *name, char **out);

/* The message of the last failing call on r (empty if none). */
const char *bt_h5read_error(const bt_h5read *r);

/* Closes the file and frees r. Safe on NULL. */
void bt_h5read_close(bt_h5read *r);

#endif
