/* Element-wise float32 math for the models' hot loops (tanh of the hidden units, exp of the
 * softmax and of the log-sum-exp), written as straight-line arithmetic so that a loop over an
 * array, under `#pragma omp simd`, is vectorised: libm's expf/tanhf are scalar calls and cost
 * several times the GEMMs at the models' sizes. Relative errors, measured against libm in
 * double: below 1.5 ulp for exp, 6.3 ulp (3.7e-7 absolute) for tanh. Each element goes through
 * the same operations whatever vector width the compiler picks, and the build does not contract
 * to FMA (-std=c11), so a result depends neither on how a loop was vectorised nor on the libm
 * installed. */
#ifndef BT_FMATH_H
#define BT_FMATH_H

#include <stdint.h>
#include <string.h>

/* GCC does not contract a*b + c into an FMA under -std=c11; clang does unless told, and would
 * then round differently on the clones (below) that have FMA. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
/* Under the sanitizers (make fuzz) clang cannot vectorise the `omp simd` loops and warns that
 * the request failed; the loops are then plain loops, with the same results. */
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

/* cond ? a : b through an integer mask: a plain ?: on floats, under the default
 * -ftrapping-math, leads GCC to move the arithmetic that follows into the branches, and a loop
 * with branches is not vectorised. */
static inline float bt_self(int cond, float a, float b)
{
    int32_t ia, ib, m = -(int32_t)(cond != 0);
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    ia = (ia & m) | (ib & ~m);
    memcpy(&a, &ia, sizeof a);
    return a;
}

/* e^x for x in [-87, 88] (clamped there: e^-87 is above FLT_MIN, e^88 below FLT_MAX); NaN stays
 * NaN (a diverged model must still show as one). x = n ln2 + r, |r| <= ln2/2, e^x = 2^n P(r). */
static inline float bt_expf(float x)
{
    float c = bt_self(x > -87.0f, x, -87.0f);   /* NaN goes to -87 here, so that n is defined */
    c = bt_self(c < 88.0f, c, 88.0f);
    /* round to nearest through the float's own rounding: 1.5 * 2^23 leaves no fraction bits */
    float n = (c * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    c = bt_self(x != x, x, c);
    float r = c - n * 0.693359375f - n * -2.12194440e-4f;   /* ln2 in two parts: n*hi exact */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;   /* 2^n, n in [-126, 127] */
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* tanh x as a rational function, x P(x^2) / Q(x^2), on x clamped to +-7.905 (where tanh is 1 to
 * float precision): Eigen's fast float tanh (coefficients of its generic_fast_tanh_float); no
 * exp and no branch, three times faster than 1 - 2/(e^2x + 1). NaN stays NaN. */
static inline float bt_tanhf(float x)
{
    const float c = 7.90531110763549805f;
    x = bt_self(x > c, c, x);
    x = bt_self(x < -c, -c, x);
    float x2 = x * x;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return x * p / q;
}

/* A loop over floats built for SSE2 (the default x86-64 target), AVX2 and AVX-512, the
 * machine's best chosen when the program starts (an ifunc): the element-wise maps run 2-4
 * times faster on wide vectors. The clones do the same IEEE operations on every element (no
 * FMA is enabled, and the build does not contract), so they give the same bits. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BT_VEC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BT_VEC_CLONES
#endif

#endif
