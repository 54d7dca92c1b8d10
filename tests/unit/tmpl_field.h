/*
 * tmpl_field.h: the Fp and Fr tests, written once and included twice
 * by check_field.c with
 *   T      the element type (vr_fp, vr_fr)
 *   F(x)   the function name for x (vr_fp_x, vr_fr_x)
 *   S(x)   a test-local name (x_fp, x_fr)
 *   KEY    the member of fields.json ("Fq", "Fr")
 * Oracle: GMP mpz arithmetic modulo the modulus.
 */

/* mpz -> element via canonical limbs. */
static void
S(from_mpz)(T *r, const mpz_t v)
{
    uint64_t l[4] = {0};

    mpz_export(l, NULL, -1, 8, 0, 0, v);
    ck_assert_int_eq(F(from_canonical)(r, l), VR_OK);
}

static void
S(to_mpz)(mpz_t v, const T *a)
{
    uint64_t l[4];

    F(to_canonical)(l, a);
    mpz_import(v, 4, -1, 8, 0, 0, l);
}

static void
S(from_dec)(T *r, const char *dec)
{
    mpz_t v;

    mpz_init_set_str(v, dec, 0);
    S(from_mpz)(r, v);
    mpz_clear(v);
}

static void
S(check_dec)(const T *a, const char *dec, const char *what, int i)
{
    mpz_t v, w;

    mpz_init_set_str(w, dec, 0);
    mpz_init(v);
    S(to_mpz)(v, a);
    if (mpz_cmp(v, w) != 0) {
        gmp_fprintf(stderr, "%s sample %d %s: got %Zd want %Zd\n", KEY, i,
            what, v, w);
        ck_abort_msg("%s sample %d: %s mismatch", KEY, i, what);
    }
    mpz_clear(v);
    mpz_clear(w);
}

START_TEST_X(S(test_vectors))
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/fields.json"));
    const struct vr_json *smp = vr_json_req(j, KEY ".samples");
    mpz_t m;

    mpz_init_set_str(m, vr_json_text(j, KEY ".modulus"), 10);
    ck_assert_int_ge((int)smp->n, 14);
    for (size_t i = 0; i < smp->n; i++) {
        const struct vr_json *s = vr_json_at(smp, i);
        T a, b, t;
        const char *inv = vr_json_text(s, "inv_a");

        S(from_dec)(&a, vr_json_text(s, "a"));
        S(from_dec)(&b, vr_json_text(s, "b"));
        F(add)(&t, &a, &b);
        S(check_dec)(&t, vr_json_text(s, "add"), "add", (int)i);
        F(sub)(&t, &a, &b);
        S(check_dec)(&t, vr_json_text(s, "sub"), "sub", (int)i);
        F(mul)(&t, &a, &b);
        S(check_dec)(&t, vr_json_text(s, "mul"), "mul", (int)i);
        F(sqr)(&t, &a);
        S(check_dec)(&t, vr_json_text(s, "sqr_a"), "sqr", (int)i);
        if (inv) {
            F(inv)(&t, &a);
            S(check_dec)(&t, inv, "inv", (int)i);
            ck_assert_int_eq(F(inv_var)(&t, &a), VR_OK);
            S(check_dec)(&t, inv, "inv_var", (int)i);
        } else {
            ck_assert(F(is_zero)(&a));
            ck_assert_int_eq(F(inv_var)(&t, &a), VR_ERANGE);
        }
        // Montgomery limbs equal the reference's (ffjavascript's) exactly,
        // and the canonical limbs come back out.
        const struct vr_json *ml = vr_json_req(s, "a_montgomery_limbs_le");
        const struct vr_json *cl = vr_json_req(s, "a_limbs_le");
        uint64_t canon[4];
        F(to_canonical)(canon, &a);
        for (int k = 0; k < 4; k++) {
            ck_assert_uint_eq(a.l[k],
                strtoull(vr_json_at(ml, (size_t)k)->text, NULL, 16));
            ck_assert_uint_eq(canon[k],
                strtoull(vr_json_at(cl, (size_t)k)->text, NULL, 16));
        }
        // sqrt: any listed root is fine; non-residues are refused.
        int sq = !strcmp(vr_json_text(s, "a_is_square"), "true");
        ck_assert_int_eq(F(is_square)(&a), sq);
        int rc = F(sqrt)(&t, &a);
        if (sq) {
            const struct vr_json *roots = vr_json_req(s, "sqrt_a_roots");
            mpz_t v;
            int ok = 0;
            ck_assert_int_eq(rc, VR_OK);
            mpz_init(v);
            S(to_mpz)(v, &t);
            for (size_t k = 0; k < roots->n; k++) {
                mpz_t w;
                mpz_init_set_str(w, vr_json_at(roots, k)->text, 10);
                ok |= mpz_cmp(v, w) == 0;
                mpz_clear(w);
            }
            ck_assert_msg(ok, "%s sample %zu: sqrt not a listed root", KEY, i);
            mpz_clear(v);
        } else {
            ck_assert_int_eq(rc, VR_ERANGE);
        }
        // byte round trips
        unsigned char be[32], le[32];
        T u;
        F(to_bytes_be)(be, &a);
        F(to_bytes_le)(le, &a);
        for (int k = 0; k < 32; k++)
            ck_assert_int_eq(be[k], le[31 - k]);
        ck_assert_int_eq(F(from_bytes_be)(&u, be), VR_OK);
        ck_assert(F(eq)(&u, &a));
        ck_assert_int_eq(F(from_bytes_le)(&u, le), VR_OK);
        ck_assert(F(eq)(&u, &a));
    }
    mpz_clear(m);
    vr_json_free(j);
}
END_TEST

/* Random element: uniform below m, with the edges 0, 1, m-1, m-2 mixed in. */
static void
S(rand_mpz)(mpz_t v, gmp_randstate_t st, const mpz_t m, int i)
{
    switch (i % 11) {
    case 0: mpz_set_ui(v, 0); break;
    case 1: mpz_set_ui(v, 1); break;
    case 2: mpz_sub_ui(v, m, 1); break;
    case 3: mpz_sub_ui(v, m, 2); break;
    case 4: mpz_fdiv_q_ui(v, m, 2); break;
    default: mpz_urandomm(v, st, m); break;
    }
}

START_TEST_X(S(test_gmp))
{
    gmp_randstate_t st;
    mpz_t m, x, y, z, w, e;
    long iters = vr_test_iters(2000);

    gmp_randinit_default(st);
    gmp_randseed_ui(st, vr_test_seed() + (unsigned long)_i);
    mpz_inits(m, x, y, z, w, e, NULL);
    mpz_import(m, 4, -1, 8, 0, 0, F(modulus));
    for (long it = 0; it < iters; it++) {
        T a, b, c, d;
        S(rand_mpz)(x, st, m, (int)it);
        S(rand_mpz)(y, st, m, (int)(it / 11 + it));
        S(from_mpz)(&a, x);
        S(from_mpz)(&b, y);

        F(add)(&c, &a, &b);
        mpz_add(z, x, y); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        F(sub)(&c, &a, &b);
        mpz_sub(z, x, y); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        F(neg)(&c, &a);
        mpz_neg(z, x); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        F(dbl)(&c, &a);
        mpz_mul_ui(z, x, 2); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        F(half)(&c, &a);
        F(dbl)(&d, &c); ck_assert(F(eq)(&d, &a));
        F(mul)(&c, &a, &b);
        mpz_mul(z, x, y); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        // aliasing: r = a*a in place equals sqr
        d = a;
        F(mul)(&d, &d, &d);
        F(sqr)(&c, &a);
        ck_assert(F(eq)(&c, &d));
        mpz_mul(z, x, x); mpz_mod(z, z, m);
        S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        if (mpz_sgn(x) != 0) {
            mpz_invert(z, x, m);
            F(inv)(&c, &a);
            S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
            ck_assert_int_eq(F(inv_var)(&c, &a), VR_OK);
            S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        } else {
            F(inv)(&c, &a);
            ck_assert(F(is_zero)(&c));
        }
        // sqrt: a^2 always has a root; the Legendre symbol decides for a
        int leg = mpz_legendre(x, m);
        ck_assert_int_eq(F(is_square)(&a), leg >= 0);
        int rc = F(sqrt)(&c, &a);
        ck_assert_int_eq(rc, leg >= 0 ? VR_OK : VR_ERANGE);
        if (rc == VR_OK) {
            F(sqr)(&d, &c);
            ck_assert(F(eq)(&d, &a));
        }
        F(sqr)(&d, &a);
        ck_assert_int_eq(F(sqrt)(&c, &d), VR_OK);
        F(neg)(&b, &a);
        ck_assert(F(eq)(&c, &a) || F(eq)(&c, &b));
        // pow with a random exponent
        if (it % 8 == 0) {
            uint64_t el[4] = {0};
            mpz_urandomb(e, st, 256);
            mpz_export(el, NULL, -1, 8, 0, 0, e);
            F(pow)(&c, &a, el);
            mpz_powm(z, x, e, m);
            S(to_mpz)(w, &c); ck_assert(mpz_cmp(z, w) == 0);
        }
    }
    mpz_clears(m, x, y, z, w, e, NULL);
    gmp_randclear(st);
}
END_TEST

START_TEST_X(S(test_encoding))
{
    unsigned char be[32], le[32];
    uint64_t l[4];
    T a;
    mpz_t m, v;

    mpz_inits(m, v, NULL);
    mpz_import(m, 4, -1, 8, 0, 0, F(modulus));
    // m, m+1 and 2^256-1 are not canonical; m-1 is.
    for (int k = 0; k < 4; k++) {
        switch (k) {
        case 0: mpz_set(v, m); break;
        case 1: mpz_add_ui(v, m, 1); break;
        case 2: mpz_set_ui(v, 1); mpz_mul_2exp(v, v, 256);
                mpz_sub_ui(v, v, 1); break;
        case 3: mpz_set_ui(v, 1); mpz_mul_2exp(v, v, 255); break;
        }
        memset(l, 0, sizeof(l));
        mpz_export(l, NULL, -1, 8, 0, 0, v);
        vr_limb_to_be(be, l);
        vr_limb_to_le(le, l);
        ck_assert_int_eq(F(from_bytes_be)(&a, be), VR_EFORMAT);
        ck_assert_int_eq(F(from_bytes_le)(&a, le), VR_EFORMAT);
        ck_assert_int_eq(F(from_canonical)(&a, l), VR_EFORMAT);
    }
    mpz_sub_ui(v, m, 1);
    memset(l, 0, sizeof(l));
    mpz_export(l, NULL, -1, 8, 0, 0, v);
    vr_limb_to_be(be, l);
    ck_assert_int_eq(F(from_bytes_be)(&a, be), VR_OK);
    F(add)(&a, &a, &F(one));
    ck_assert(F(is_zero)(&a));
    F(from_u64)(&a, 7);
    F(to_canonical)(l, &a);
    ck_assert(l[0] == 7 && l[1] == 0 && l[2] == 0 && l[3] == 0);
    ck_assert(F(is_one)(&F(one)));
    ck_assert(F(is_zero)(&F(zero)));
    T z = F(zero), o = F(one);
    F(cmov)(&z, &o, 0);
    ck_assert(F(is_zero)(&z));
    F(cmov)(&z, &o, 1);
    ck_assert(F(is_one)(&z));
    mpz_clears(m, v, NULL);
}
END_TEST

START_TEST_X(S(test_batch_inv))
{
    enum { N = 700 };   /* more than one in-place block of 256 */
    static T in[N], out[N], ref;
    uint64_t s = vr_test_seed();

    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        if (i % 97 == 3)
            in[i] = F(zero);
        else
            F(from_u64)(&in[i], s >> 1);
    }
    F(batch_inv_var)(out, in, N);
    for (int i = 0; i < N; i++) {
        if (F(is_zero)(&in[i])) {
            ck_assert(F(is_zero)(&out[i]));
            continue;
        }
        F(inv)(&ref, &in[i]);
        ck_assert(F(eq)(&ref, &out[i]));
    }
    F(batch_inv_var)(in, in, N);      /* in place */
    for (int i = 0; i < N; i++)
        ck_assert(F(eq)(&in[i], &out[i]));
    F(batch_inv_var)(out, in, 0);
}
END_TEST
