/* A bump allocator reused from epoch to epoch: an epoch takes all its scratch memory from it
 * and gives it back at once with bt_arena_reset. After the first epoch of a run no memory is
 * requested from the system, so large epochs do not pay for fresh pages every time. */
#ifndef BT_ARENA_H
#define BT_ARENA_H

#include <stddef.h>

typedef struct bt_arena bt_arena;

bt_arena *bt_arena_alloc(void);
void bt_arena_free(bt_arena *a);
/* Releases everything handed out; if the last use needed several blocks, they are merged
 * into one of the total size for next time. */
void bt_arena_reset(bt_arena *a);
/* count*size bytes, 64-byte aligned, uninitialised; NULL on overflow or ENOMEM.
 * Not thread-safe: take per-thread scratch before a parallel region. */
void *bt_arena_get(bt_arena *a, size_t count, size_t size);
void *bt_arena_zeroed(bt_arena *a, size_t count, size_t size);

#endif
