/* Batched normal samples (normals.h). */
#include "normals.h"
#include "fmath.h"
#include <string.h>

/* ln x for a positive normal float (Cephes' logf): x = m 2^e, m in [sqrt(1/2), sqrt(2)) */
static inline float log_pos(float x)
{
    int32_t ix;
    memcpy(&ix, &x, sizeof ix);
    int32_t e = ((ix >> 23) & 0xff) - 126;
    ix = (ix & 0x007fffff) | 0x3f000000;   /* m in [1/2, 1) */
    float m;
    memcpy(&m, &ix, sizeof m);
    int small = m < 0.707106781186547524f;
    e -= small;
    m = bt_self(small, m + m - 1.0f, m - 1.0f);
    float z = m * m, fe = (float)e;
    float y = ((((((((7.0376836292e-2f * m - 1.1514610310e-1f) * m + 1.1676998740e-1f) * m - 1.2420140846e-1f) * m +
                   1.4249322787e-1f) * m - 1.6668057665e-1f) * m + 2.0000714765e-1f) * m - 2.4999993993e-1f) * m +
               3.3333331174e-1f) * m * z;
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return m + y + 0.693359375f * fe;
}

/* sqrt a for a positive normal float: Newton from the exponent halved (sqrtf would keep errno,
 * and a loop calling it is not vectorised); three steps take the 4% start to float precision */
static inline float sqrt_pos(float a)
{
    int32_t i;
    memcpy(&i, &a, sizeof i);
    i = 0x1fbd1df5 + (i >> 1);
    float y;
    memcpy(&y, &i, sizeof y);
    y = 0.5f * (y + a / y);
    y = 0.5f * (y + a / y);
    return 0.5f * (y + a / y);
}

/* always inlined: a loop calling it would not be vectorised */
__attribute__((always_inline)) static inline float from_bits(uint32_t u)
{
    float p = ((float)(int32_t)(u & 0x7fffffffU) + 0.5f) * 0x1p-32f;   /* (0, 1/2] */
    /* central region, p >= 0.02425: x = q A(q^2) / B(q^2), q = p - 1/2, in double: the
     * polynomials cancel (float would leave errors of 4e-4 near the region's edge) */
    double q = (double)p - 0.5, r = q * q;
    double a = ((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r +
                 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00;
    double b = ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r +
                 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1.0;
    float central = (float)(q * a / b);
    /* tail: x = C(t) / D(t), t = sqrt(-2 ln p) */
    float t = sqrt_pos(-2.0f * log_pos(p));
    float c = ((((-7.784894002430293e-03f * t - 3.223964580411365e-01f) * t - 2.400758277161838e+00f) * t -
                2.549732539343734e+00f) * t + 4.374664141464968e+00f) * t + 2.938163982698783e+00f;
    float d = (((7.784695709041462e-03f * t + 3.224671290700398e-01f) * t + 2.445134137142996e+00f) * t +
               3.754408661907416e+00f) * t + 1.0f;
    float x = bt_self(p < 0.02425f, c / d, central);   /* <= 0 */
    return bt_self((int)(u >> 31), -x, x);
}

float bt_normals_from_bits(uint32_t u)
{
    return from_bits(u);
}

/* splitmix64: the output for counter i of key */
static inline uint64_t splitmix(uint64_t key, uint64_t i)
{
    uint64_t z = key + (i + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

BT_VEC_CLONES static void fill(float *x, size_t n, uint64_t key, uint64_t first)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) x[i] = from_bits((uint32_t)(splitmix(key, first + i) >> 32));
}

void bt_normals_fill(float *x, size_t n, uint64_t key, uint64_t first)
{
    fill(x, n, key, first);
}
