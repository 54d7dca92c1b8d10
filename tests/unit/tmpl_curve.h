/*
 * tmpl_curve.h: G1 and G2 tests written once, included twice by
 * check_curve.c with
 *   PT      the Jacobian point type (vr_g1, vr_g2)
 *   G(x)    group function/type name (vr_g1_x, vr_g2_x)
 *   S(x)    test-local name (x_g1, x_g2)
 *   FILE_   vector file ("g1.json", "g2.json")
 *   ENC_LEN bytes of the EVM encoding (64, 128)
 *   ENC_FROM / ENC_TO  the EVM-order decoder / encoder
 * and S(aff_from_json) defined before inclusion.
 */

static void
S(check_point)(const PT *p, const struct vr_json *want, const char *enc,
    const char *what, int i)
{
    G(affine) a, w;
    unsigned char buf[ENC_LEN];

    G(to_affine)(&a, p);
    if (want == NULL || want->type == VR_JSON_NULL) {
        ck_assert_msg(G(is_inf)(p), "%s %d: want O", what, i);
        ck_assert(G(affine_is_inf)(&a));
    } else {
        S(aff_from_json)(&w, want);
        ck_assert_msg(G(affine_eq)(&a, &w), "%s %d: point mismatch", what, i);
    }
    if (enc) {
        char *hex;
        ENC_TO(buf, &a);
        hex = vr_test_hex(buf, ENC_LEN);
        ck_assert_msg(!strcmp(hex, enc), "%s %d: encoding %s want %s", what,
            i, hex, enc);
        free(hex);
    }
}

START_TEST_X(S(test_scalar_mul_vectors))
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/" FILE_));
    const struct vr_json *v = vr_json_req(j, "scalar_mul");
    mpz_t k, r;

    mpz_inits(k, r, NULL);
    mpz_import(r, 4, -1, 8, 0, 0, vr_fr_modulus);
    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *s = vr_json_at(v, i);
        uint64_t kl[4] = {0};
        vr_fr kr;
        PT p;

        mpz_set_str(k, vr_json_text(s, "k"), 10);
        mpz_export(kl, NULL, -1, 8, 0, 0, k);
        G(mul_u256_var)(&p, &G(generator), kl);
        S(check_point)(&p, vr_json_req(s, "result"),
            vr_json_text(s, "result_evm"), "mul_u256_var", (int)i);
        // the Fr versions take k mod r (the group has order r)
        mpz_mod(k, k, r);
        memset(kl, 0, sizeof(kl));
        mpz_export(kl, NULL, -1, 8, 0, 0, k);
        ck_assert_int_eq(vr_fr_from_canonical(&kr, kl), VR_OK);
        G(mul)(&p, &G(generator), &kr);
        S(check_point)(&p, vr_json_req(s, "result"), NULL, "mul", (int)i);
        G(mul_var)(&p, &G(generator), &kr);
        S(check_point)(&p, vr_json_req(s, "result"), NULL, "mul_var", (int)i);
    }
    mpz_clears(k, r, NULL);
    vr_json_free(j);
}
END_TEST

START_TEST_X(S(test_add_vectors))
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/" FILE_));
    const struct vr_json *v = vr_json_req(j, "add");

    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *s = vr_json_at(v, i);
        const struct vr_json *jb = vr_json_req(s, "b");
        G(affine) a, b = {0};
        PT pa, pb, r;

        S(aff_from_json)(&a, vr_json_req(s, "a"));
        if (jb->type != VR_JSON_NULL)
            S(aff_from_json)(&b, jb);
        G(from_affine)(&pa, &a);
        G(from_affine)(&pb, &b);
        G(add)(&r, &pa, &pb);
        S(check_point)(&r, vr_json_req(s, "sum"), NULL, "add", (int)i);
        G(add_var)(&r, &pa, &pb);
        S(check_point)(&r, vr_json_req(s, "sum"), NULL, "add_var", (int)i);
        G(add_affine)(&r, &pa, &b);
        S(check_point)(&r, vr_json_req(s, "sum"), NULL, "add_affine", (int)i);
        G(add_affine_var)(&r, &pa, &b);
        S(check_point)(&r, vr_json_req(s, "sum"), NULL, "add_affine_var",
            (int)i);
        // with a non-trivial Z on both sides: p = 2a - a
        PT p2, pz;
        G(dbl)(&p2, &pa);
        G(neg)(&pz, &pa);
        G(add_var)(&pz, &p2, &pz);
        G(add)(&r, &pz, &pb);
        S(check_point)(&r, vr_json_req(s, "sum"), NULL, "add z", (int)i);
    }
    vr_json_free(j);
}
END_TEST

/* r = k p by plain double-and-add over the 256 bits of k: the test's own
 * reference, independent of wNAF, GLV and the fixed windows. */
static void
S(naive_mul)(PT *r, const PT *p, const uint64_t k[4])
{
    PT acc = G(infinity);

    for (int i = 255; i >= 0; i--) {
        G(dbl)(&acc, &acc);
        if ((k[i >> 6] >> (i & 63)) & 1)
            G(add_var)(&acc, &acc, p);
    }
    *r = acc;
}

static void
S(rand_point)(PT *p, uint64_t *s)
{
    vr_fr k;
    uint64_t l[4];

    for (int i = 0; i < 4; i++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        l[i] = *s ^ (*s >> 31);
    }
    l[3] &= 0x0fffffffffffffffULL;
    ck_assert_int_eq(vr_fr_from_canonical(&k, l), VR_OK);
    G(mul_var)(p, &G(generator), &k);
}

START_TEST_X(S(test_group_laws))
{
    uint64_t s = vr_test_seed() + (uint64_t)_i * 104729;
    long iters = vr_test_iters(2000) / 100 + 2;
    PT a, b, c, t, u, v;
    G(affine) aa, ab, batch[4];
    PT pts[4];

    for (long it = 0; it < iters; it++) {
        S(rand_point)(&a, &s);
        S(rand_point)(&b, &s);
        S(rand_point)(&c, &s);
        ck_assert(G(is_on_curve)(&a));
        // commutativity, associativity
        G(add)(&t, &a, &b);
        G(add)(&u, &b, &a);
        ck_assert(G(eq)(&t, &u));
        G(add)(&t, &t, &c);
        G(add)(&u, &b, &c);
        G(add)(&u, &a, &u);
        ck_assert(G(eq)(&t, &u));
        ck_assert(G(is_on_curve)(&t));
        // inverse and identity
        G(neg)(&t, &a);
        G(add)(&t, &a, &t);
        ck_assert(G(is_inf)(&t));
        G(add)(&t, &a, &G(infinity));
        ck_assert(G(eq)(&t, &a));
        G(add)(&t, &G(infinity), &a);
        ck_assert(G(eq)(&t, &a));
        // doubling through add
        G(add)(&t, &a, &a);
        G(dbl)(&u, &a);
        ck_assert(G(eq)(&t, &u));
        G(add_var)(&t, &a, &a);
        ck_assert(G(eq)(&t, &u));
        // mixed addition, all cases
        G(to_affine)(&aa, &a);
        G(to_affine)(&ab, &b);
        G(add_affine)(&t, &b, &aa);
        G(add)(&u, &b, &a);
        ck_assert(G(eq)(&t, &u));
        G(add_affine_var)(&t, &b, &aa);
        ck_assert(G(eq)(&t, &u));
        G(add_affine)(&t, &a, &aa);
        G(dbl)(&u, &a);
        ck_assert(G(eq)(&t, &u));
        G(add_affine_var)(&t, &a, &aa);
        ck_assert(G(eq)(&t, &u));
        G(add_affine)(&t, &G(infinity), &aa);
        ck_assert(G(eq)(&t, &a));
        G(neg)(&v, &a);
        G(add_affine)(&t, &v, &aa);
        ck_assert(G(is_inf)(&t));
        // scalar multiplication: ct == var, distributivity, r*P == O
        vr_fr k1, k2, k3;
        uint64_t kl[4];
        S(rand_point)(&t, &s);   /* advance s */
        for (int i = 0; i < 4; i++)
            kl[i] = s * (uint64_t)(i + 3) ^ (s >> 7);
        kl[3] &= 0x0fffffffffffffffULL;
        ck_assert_int_eq(vr_fr_from_canonical(&k1, kl), VR_OK);
        kl[0] ^= 0x123456789;
        kl[2] ^= s;
        ck_assert_int_eq(vr_fr_from_canonical(&k2, kl), VR_OK);
        vr_fr_add(&k3, &k1, &k2);
        G(mul)(&t, &a, &k1);
        G(mul_var)(&u, &a, &k1);
        ck_assert(G(eq)(&t, &u));
        G(mul)(&u, &a, &k2);
        G(add)(&t, &t, &u);
        G(mul)(&v, &a, &k3);
        ck_assert(G(eq)(&t, &v));
        G(mul_u256_var)(&t, &a, vr_fr_modulus);
        ck_assert(G(is_inf)(&t));
        S(naive_mul)(&t, &a, vr_fr_modulus);
        ck_assert(G(is_inf)(&t));
        vr_fr_to_canonical(kl, &k3);
        S(naive_mul)(&t, &a, kl);
        G(mul_var)(&u, &a, &k3);
        ck_assert(G(eq)(&t, &u));
        G(mul)(&t, &G(infinity), &k1);
        ck_assert(G(is_inf)(&t));
        G(mul)(&t, &a, &vr_fr_zero);
        ck_assert(G(is_inf)(&t));
        // batch affine (with an O in the middle) equals one by one
        pts[0] = a; pts[1] = G(infinity); pts[2] = b; pts[3] = c;
        G(to_affine_batch)(batch, pts, 4);
        for (int i = 0; i < 4; i++) {
            G(affine) one;
            G(to_affine)(&one, &pts[i]);
            ck_assert(G(affine_eq)(&one, &batch[i]));
        }
        ck_assert(G(affine_is_inf)(&batch[1]));
        // encoding round trip
        unsigned char buf[ENC_LEN];
        G(affine) back;
        ENC_TO(buf, &aa);
        ck_assert_int_eq(ENC_FROM(&back, buf), VR_OK);
        ck_assert(G(affine_eq)(&back, &aa));
        ck_assert(G(affine_is_on_curve)(&aa));
    }
    // r * G == O (naive, without reduction mod r), (r - 1) * G == -G
    S(naive_mul)(&t, &G(generator), vr_fr_modulus);
    ck_assert(G(is_inf)(&t));
    G(mul_u256_var)(&t, &G(generator), vr_fr_modulus);
    ck_assert(G(is_inf)(&t));
    vr_fr m1;
    vr_fr_neg(&m1, &vr_fr_one);
    G(mul)(&t, &G(generator), &m1);
    G(neg)(&u, &G(generator));
    ck_assert(G(eq)(&t, &u));
}
END_TEST

/* Scalars at the edges of the splits and the recodings: 0..20, r-1, r-2,
 * lambda + {-1, 0, 1} (one half of the split is 0 or tiny), digit
 * patterns 0x88.., 0x77.., 0xff.. (signed windows at -8 / +7 with carries)
 * and the largest scalars below r; the constant-time and the variable-time
 * products against the naive double-and-add. */
START_TEST_X(S(test_mul_edges))
{
    static const uint64_t lambda[4] = LAMBDA_LIMBS;
    uint64_t k[40][4];
    int n = 0;
    PT a, want, got;

    memset(k, 0, sizeof(k));
    for (int i = 0; i <= 20; i++)
        k[n++][0] = (uint64_t)i;
    for (int d = -1; d <= 1; d++) {
        memcpy(k[n], lambda, 32);
        k[n][0] += (uint64_t)(int64_t)d;
        n++;
    }
    for (int i = 0; i < 4; i++) {
        k[n][i] = 0x8888888888888888ULL;
        k[n + 1][i] = 0x7777777777777777ULL;
        k[n + 2][i] = ~0ULL;
        k[n + 3][i] = 0x0f0f0f0f0f0f0f0fULL;
    }
    k[n][3] &= 0x0fffffffffffffffULL;
    k[n + 1][3] &= 0x0fffffffffffffffULL;
    k[n + 2][3] = 0x0fffffffffffffffULL;
    n += 4;
    for (int i = 1; i <= 3; i++) {
        memcpy(k[n], vr_fr_modulus, 32);
        k[n][0] -= (uint64_t)i;
        n++;
    }
    G(from_affine)(&a, &G(generator_affine));
    G(dbl)(&a, &a);
    for (int i = 0; i < n; i++) {
        vr_fr f;
        ck_assert_int_eq(vr_fr_from_canonical(&f, k[i]), VR_OK);
        S(naive_mul)(&want, &a, k[i]);
        G(mul)(&got, &a, &f);
        ck_assert_msg(G(eq)(&got, &want), "ct mul, edge scalar %d", i);
        G(mul_var)(&got, &a, &f);
        ck_assert_msg(G(eq)(&got, &want), "var mul, edge scalar %d", i);
        G(mul_u256_var)(&got, &a, k[i]);
        ck_assert_msg(G(eq)(&got, &want), "u256 mul, edge scalar %d", i);
    }
}
END_TEST

