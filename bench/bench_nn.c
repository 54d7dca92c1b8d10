/*
 * bench_nn: lib/nn speed.  Training throughput (forward + backward + Adam,
 * batch 256, samples a second) of the LSTM teacher (2 x 128, windows
 * 60 x 8) and the MLP (480-128-64-32-3, ReLU), inference latency per
 * sample (batch 1 and batch 256), sgemm GFLOP/s, and peak RSS.  Prints
 * "key value" lines (bench/nn.sh reads them).
 *   bench_nn [-s seconds] [-t threads] [-w what]   what: all lstm mlp gemm
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vr.h"
#include "base/rng.h"
#include "cli/cli.h"
#include "nn/adam.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "nn/lstm.h"
#include "nn/mlp.h"

enum { T = 60, C = 8, B = 256, V = 3 };

static double secs = 5;

/* CPU seconds of the whole process (all threads): on a shared machine
 * the steadier measure of cost. */
static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
fill(float *v, size_t n, struct vr_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)vr_rng_normal(rng);
}

struct net {
    struct vr_lstmnet *lstm;
    struct vr_mlp *mlp;
    float *params, *grads;
    size_t nparams;
};

static void
forward(struct net *n, float *z, const float *x, int b)
{
    int rc = n->lstm ? vr_lstmnet_forward(n->lstm, z, x, b, T) :
        vr_mlp_forward(n->mlp, z, x, b);
    if (rc != VR_OK)
        errx(4, "forward: %s", vr_strerror(rc));
}

/* One training step; returns the loss. */
static double
step(struct net *n, struct vr_adam *adam, const float *x, const int *y)
{
    float z[B * V], p[B * V], dz[B * V];

    forward(n, z, x, B);
    double loss = vr_loss_ce_forward(p, z, y, NULL, 0.1f, B, V);
    memset(n->grads, 0, n->nparams * sizeof(float));
    memset(dz, 0, sizeof(dz));
    vr_loss_ce_backward(dz, p, y, NULL, 0.1f, 1.0f, B, V);
    if (n->lstm)
        vr_lstmnet_backward(n->lstm, dz);
    else
        vr_mlp_backward(n->mlp, dz);
    vr_adam_step(adam, n->params, n->grads, 1e-3);
    return loss;
}

static void
bench_train(const char *name, struct net *n, struct vr_rng *rng)
{
    float *x = malloc(sizeof(float) * B * T * C), z[B * V];
    int y[B];
    struct vr_adam adam;
    long iters = 0;
    double t0, t, c0, loss = 0;

    fill(x, (size_t)B * T * C, rng);
    for (int i = 0; i < B; i++)
        y[i] = (int)vr_rng_below(rng, V);
    if (vr_adam_init(&adam, n->nparams) != VR_OK)
        errx(4, "out of memory");
    for (int i = 0; i < 2; i++)
        step(n, &adam, x, y);
    t0 = vr_now();
    c0 = cpu_now();
    do {
        loss = step(n, &adam, x, y);
        iters++;
    } while ((t = vr_now() - t0) < secs);
    printf("%s_train_samples_per_s %.1f\n", name, (double)iters * B / t);
    printf("%s_train_samples_per_cpu_s %.1f\n", name, (double)iters * B /
        (cpu_now() - c0));
    printf("%s_train_ms_per_step %.3f\n", name, 1e3 * t / (double)iters);
    printf("%s_epoch_350k_s %.1f\n", name, 350000.0 / ((double)iters * B /
        t));
    printf("%s_train_steps %ld\n", name, iters);
    printf("%s_loss_last %.4f\n", name, loss);
    // inference: batch 256 and batch 1, per sample
    iters = 0;
    t0 = vr_now();
    c0 = cpu_now();
    do {
        forward(n, z, x, B);
        iters++;
    } while ((t = vr_now() - t0) < secs / 4);
    printf("%s_infer_b256_us_per_sample %.2f\n", name, 1e6 * t /
        ((double)iters * B));
    printf("%s_infer_b256_cpu_us_per_sample %.2f\n", name, 1e6 *
        (cpu_now() - c0) / ((double)iters * B));
    iters = 0;
    t0 = vr_now();
    do {
        forward(n, z, x, 1);
        iters++;
    } while ((t = vr_now() - t0) < secs / 4);
    printf("%s_infer_b1_us_per_sample %.2f\n", name, 1e6 * t /
        (double)iters);
    fflush(stdout);
    vr_adam_free(&adam);
    free(x);
}

static void
bench_gemm(struct vr_rng *rng)
{
    static const int shapes[][3] = {{256, 512, 128}, {15360, 512, 128},
        {1024, 1024, 1024}};
    for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
        int M = shapes[k][0], N = shapes[k][1], K = shapes[k][2];
        float *A = malloc(sizeof(float) * (size_t)M * K);
        float *Bm = malloc(sizeof(float) * (size_t)K * N);
        float *Cm = malloc(sizeof(float) * (size_t)M * N);
        long iters = 0;
        double t0, t, c0;
        fill(A, (size_t)M * K, rng);
        fill(Bm, (size_t)K * N, rng);
        vr_gemm(Cm, N, A, K, Bm, N, false, false, 1, 0, M, N, K);
        t0 = vr_now();
        c0 = cpu_now();
        do {
            vr_gemm(Cm, N, A, K, Bm, N, false, false, 1, 0, M, N, K);
            iters++;
        } while ((t = vr_now() - t0) < secs / 4);
        printf("sgemm_%dx%dx%d_gflops %.1f\n", M, N, K,
            2.0 * M * N * K * (double)iters / t / 1e9);
        printf("sgemm_%dx%dx%d_gflops_per_cpu_s %.1f\n", M, N, K,
            2.0 * M * N * K * (double)iters / (cpu_now() - c0) / 1e9);
        free(A);
        free(Bm);
        free(Cm);
    }
}

int
main(int argc, char **argv)
{
    struct vr_rng rng;
    const char *what = "all";
    int threads = 2, ch;

    vr_cli_blas_setup(argv);
    while ((ch = getopt(argc, argv, "s:t:w:")) != -1) {
        switch (ch) {
        case 's':
            secs = vr_cli_double(ch, optarg, 0.01, 3600);
            break;
        case 't':
            threads = (int)vr_cli_long(ch, optarg, 1, 64);
            break;
        case 'w':
            what = optarg;
            break;
        default:
            fprintf(stderr, "usage: bench_nn [-s seconds] [-t threads] "
                "[-w all|lstm|mlp|gemm]\n");
            return 2;
        }
    }
    vr_gemm_set_threads(threads);
    printf("blas_core %s\n", vr_gemm_corename());
    printf("threads %d\n", threads);
    vr_rng_seed(&rng, 1);
    if (strcmp(what, "all") == 0 || strcmp(what, "gemm") == 0)
        bench_gemm(&rng);
    if (strcmp(what, "all") == 0 || strcmp(what, "mlp") == 0) {
        struct vr_mlp m;
        struct vr_act a[3];
        int dims[5] = {T * C, 128, 64, 32, V};
        for (int l = 0; l < 3; l++)
            vr_act_lookup(&a[l], "relu");
        if (vr_mlp_init(&m, dims, 4, a) != VR_OK)
            errx(4, "out of memory");
        vr_mlp_init_params(&m, &rng);
        struct net n = {NULL, &m, m.params, m.grads, m.nparams};
        bench_train("mlp", &n, &rng);
        vr_mlp_free(&m);
    }
    if (strcmp(what, "all") == 0 || strcmp(what, "lstm") == 0) {
        struct vr_lstmnet l;
        if (vr_lstmnet_init(&l, 2, C, 128, V) != VR_OK)
            errx(4, "out of memory");
        vr_lstmnet_init_params(&l, &rng);
        struct net n = {&l, NULL, l.params, l.grads, l.nparams};
        bench_train("lstm", &n, &rng);
        vr_lstmnet_free(&l);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_mb %.1f\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
