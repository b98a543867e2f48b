/* bt_normals: standard normal float32 samples by the thousand, for the models' input batches
 * (every SGD step of every miner draws batch x d_in of them: with GSL's ziggurat on mt19937,
 * 15 ns a sample, they were the largest item of a models epoch). A batch is a pure function of
 * a 64-bit key that the caller draws from its own stream: sample i is made from the high 32 bits
 * of splitmix64's output for counter i (a generator that passes BigCrush), through the
 * inverse of the normal CDF (Acklam's rational approximation, in float: absolute error below
 * 2e-6 against GSL's gsl_cdf_ugaussian_Pinv); a sample is at most 6.4 in magnitude (the 32 bits
 * give probabilities down to 1.2e-10). The loops vectorise (fmath.h), in clones that give the
 * same bits. */
#ifndef BT_NORMALS_H
#define BT_NORMALS_H

#include <stddef.h>
#include <stdint.h>

/* x[0..n) = samples first .. first + n - 1 of key's sequence. */
void bt_normals_fill(float *x, size_t n, uint64_t key, uint64_t first);

/* One sample from 32 random bits (exposed for the tests): the top bit is the sign, the other
 * 31 the probability p in (0, 1/2) whose quantile is the magnitude. */
float bt_normals_from_bits(uint32_t u);

#endif
