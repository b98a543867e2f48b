/* Validator permits: is_topk_nonzero by selection must equal the chain's definition (stable
 * ascending sort by stake, the first n-k lose the permit, zero stake never holds one), ties
 * included. */
#include "mechanism/subnet.h"
#include <criterion/criterion.h>
#include <stdlib.h>

static void reference(const double *s, size_t n, size_t k, uint8_t *out)
{
    size_t idx[64];
    for (size_t i = 0; i < n; i++) { out[i] = s[i] != 0; idx[i] = i; }
    if (n < k) return;
    for (size_t i = 1; i < n; i++)   /* insertion sort: stable */
        for (size_t j = i; j > 0 && s[idx[j - 1]] > s[idx[j]]; j--) { size_t t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t; }
    for (size_t q = 0; q < n - k; q++) out[idx[q]] = 0;
}

Test(permits, topk_nonzero_matches_the_stable_sort_with_ties)
{
    srand(7);
    for (int trial = 0; trial < 5000; trial++) {
        size_t n = 1 + (size_t)(rand() % 60), k = (size_t)(rand() % 70);
        double s[64];
        uint8_t got[64], want[64];
        for (size_t i = 0; i < n; i++) s[i] = (double)(rand() % 5);   /* many ties and zeros */
        cr_assert_eq(bt_topk_nonzero(s, n, k, got), 0);
        reference(s, n, k, want);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(got[i], want[i], "trial %d n %zu k %zu peer %zu", trial, n, k, i);
    }
}

Test(permits, lower_uid_loses_on_a_tie_at_the_boundary)
{
    const double s[4] = {1, 1, 2, 3};
    uint8_t p[4];
    bt_topk_nonzero(s, 4, 3, p);
    cr_expect(p[0] == 0 && p[1] == 1 && p[2] == 1 && p[3] == 1);
}
