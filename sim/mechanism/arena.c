/* bt_arena: a list of blocks; allocation bumps an offset in the newest block. */
#include "mechanism/arena.h"
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *prev;
    size_t size, used;
    unsigned char *data;
} block;

struct bt_arena {
    block *top;
    size_t total;   /* bytes in all blocks */
};

bt_arena *bt_arena_alloc(void) { return calloc(1, sizeof(bt_arena)); }

static void free_blocks(block *b)
{
    while (b) {
        block *p = b->prev;
        free(b->data);
        free(b);
        b = p;
    }
}

void bt_arena_free(bt_arena *a)
{
    if (!a) return;
    free_blocks(a->top);
    free(a);
}

/* Big blocks ask for transparent huge pages: an epoch scatters into thousands of columns at
 * once (the transpose for the median), and 4 KiB pages would miss the TLB on nearly every
 * store. Where THP is off this is only a hint. */
#define HUGE_PAGE ((size_t)2 << 20)

static block *new_block(size_t size)
{
    block *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    if (size >= HUGE_PAGE) {
        size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        b->data = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
        if (b->data) madvise(b->data, size, MADV_HUGEPAGE);
#endif
    } else {
        b->data = aligned_alloc(64, size);
    }
    if (!b->data) { free(b); return NULL; }
    b->size = size;
    return b;
}

void bt_arena_reset(bt_arena *a)
{
    if (!a->top) return;
    if (a->top->prev) {   /* merge: one block of the total size */
        size_t total = a->total;
        free_blocks(a->top);
        a->top = new_block(total);
        a->total = a->top ? total : 0;
    }
    if (a->top) a->top->used = 0;
}

void *bt_arena_get(bt_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    size_t bytes = count * size;
    bytes = (bytes + 63) & ~(size_t)63;
    if (bytes == 0) bytes = 64;
    if (!a->top || a->top->size - a->top->used < bytes) {
        size_t want = bytes > (1u << 20) ? bytes : (1u << 20);
        if (a->top && want < a->top->size) want = a->top->size;   /* grow geometrically */
        block *b = new_block(want);
        if (!b) return NULL;
        b->prev = a->top;
        a->top = b;
        a->total += want;
    }
    void *p = a->top->data + a->top->used;
    a->top->used += bytes;
    return p;
}

void *bt_arena_zeroed(bt_arena *a, size_t count, size_t size)
{
    void *p = bt_arena_get(a, count, size);
    if (p) memset(p, 0, count * size);
    return p;
}
