/*
 * vr-prove: prove the signal of every window of a dataset.  For each
 * sample the witness comes from lib/quant's integer inference (the
 * model embedded in the circuit stream), is checked against the R1CS,
 * and is proved with Groth16; the proofs and their public signals
 * (class, input hash, model commitment, window time) go to stdout as a
 * proofs stream.  -j proves several samples at once.
 */
#include <err.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "circuit/circuit.h"
#include "circuit/cstream.h"
#include "snark/g16stream.h"
#include "snark/groth16.h"
#include "stream/dataset.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-prove [-fq] -c circuit [-j jobs] -k dir "
        "[-n max] [-s split]\n"
        "                [-t threads] [file]\n");
    exit(VR_EXIT_USAGE);
}

/* What the workers share. */
struct job {
    const struct vr_circuit_file *cf;
    const struct vr_r1cs *r;
    const struct vr_g16_pk *pk;
    const struct vr_dataset *d;
    const size_t *idx;          /* samples of this batch */
    size_t n;
    atomic_size_t next;
    int threads;                /* per proof */
    uint32_t npub;
    struct vr_g16_proof *pi;    /* n */
    vr_fr *pub;                 /* n * npub */
    int *st;                    /* n: VR_OK, or why the sample failed */
    size_t *bad;                /* n: failing constraint */
};

static int
prove_one(struct job *j, size_t k, struct vr_qtrace *tr, int64_t *X)
{
    const struct vr_circuit_file *cf = j->cf;
    size_t s = j->idx[k];
    int64_t time = j->d->time[j->d->end[s]];
    struct vr_circuit_out co;
    int rc;

    if ((rc = vr_qmlp_quantize_input(&cf->m, X,
        vr_dataset_window_ptr(j->d, s))) != VR_OK)
        return rc;
    if ((rc = vr_qmlp_infer(&cf->m, tr, NULL, X)) < 0)
        return rc;
    if ((rc = vr_circuit_build(&co, &cf->c, tr, time, VR_CIRCUIT_WITNESS))
        != VR_OK)
        return rc;
    if (vr_r1cs_check(j->r, co.w, &j->bad[k]) != VR_OK) {
        vr_circuit_out_free(&co);
        return VR_EREJECT;
    }
    rc = vr_g16_prove(&j->pi[k], j->pk, co.w, co.nw, j->threads);
    if (rc == VR_OK)
        memcpy(&j->pub[k * j->npub], &co.w[1], j->npub * sizeof(vr_fr));
    vr_circuit_out_free(&co);
    return rc;
}

static void *
worker(void *arg)
{
    struct job *j = arg;
    struct vr_qtrace tr;
    int64_t *X = vr_mallocarray((size_t)j->cf->m.lay[0].C, sizeof(int64_t));
    int rc = vr_qtrace_init(&tr, &j->cf->m);

    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n)
            break;
        j->st[k] = rc != VR_OK || X == NULL ? VR_ENOMEM
            : prove_one(j, k, &tr, X);
    }
    vr_qtrace_free(&tr);
    free(X);
    return NULL;
}

static int
split_parse(const char *s)
{
    if (strcmp(s, "all") == 0)
        return -1;
    for (int i = 0; i < VR_NSPLIT; i++)
        if (strcmp(s, vr_split_names[i]) == 0)
            return i;
    errx(VR_EXIT_USAGE, "-s: train, val, test, live or all, not \"%s\"", s);
}

int
main(int argc, char **argv)
{
    const char *in, *cpath = NULL, *dir = NULL;
    bool fflag = false, qflag = false;
    int jobs = 1, threads = 0, split = -1, ch, rc;
    long long maxn = -1;
    struct vr_reader cr, kr, dr;
    FILE *cfp, *kfp, *dfp;
    struct vr_circuit_file cf;
    struct vr_circuit_out co;
    struct vr_g16_pk pk;
    struct vr_dataset d;
    struct vr_progress prog;
    struct vr_writer w;
    unsigned char kc[32];
    char p[4096];

    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "c:fj:k:n:qs:t:")) != -1) {
        switch (ch) {
        case 'c':
            cpath = optarg;
            break;
        case 'f':
            fflag = true;
            break;
        case 'j':
            jobs = (int)vr_cli_long(ch, optarg, 1, 256);
            break;
        case 'k':
            dir = optarg;
            break;
        case 'n':
            maxn = vr_cli_long(ch, optarg, 0, INT64_MAX);
            break;
        case 'q':
            qflag = true;
            break;
        case 's':
            split = split_parse(optarg);
            break;
        case 't':
            threads = (int)vr_cli_long(ch, optarg, 1, 256);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1 || cpath == NULL || dir == NULL)
        usage();
    in = argc == 1 ? argv[0] : "-";
    if (threads == 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > jobs ? (int)(ncpu / jobs) : 1;
    }
    vr_cli_refuse_tty(fflag);

    // the circuit and its R1CS, made again and compared
    vr_cli_reader_open(&cr, &cfp, cpath, VR_CIRCUIT_KIND);
    if ((rc = vr_circuit_stream_read(&cf, &cr)) != VR_OK)
        vr_cli_fail(rc, cpath, &cr);
    if ((rc = vr_circuit_build(&co, &cf.c, NULL, 0, VR_CIRCUIT_R1CS))
        != VR_OK)
        errx(vr_exit_code(rc), "%s: compiling: %s", cpath, vr_strerror(rc));
    if ((rc = vr_circuit_r1cs_keccak(kc, &co.r)) != VR_OK)
        errx(vr_exit_code(rc), "hashing the R1CS: %s", vr_strerror(rc));
    if (memcmp(kc, cf.r1cs_keccak, 32) != 0)
        errx(VR_EXIT_DATA, "%s: the R1CS compiled from its model differs "
            "from the one it was made with (r1cs_keccak)", cpath);
    // the proving key
    snprintf(p, sizeof(p), "%s/pk.vr", dir);
    vr_cli_reader_open(&kr, &kfp, p, "pk");
    if ((rc = vr_g16_pk_read(&pk, &kr)) != VR_OK)
        vr_cli_fail(rc, p, &kr);
    uint32_t npub = vr_r1cs_npublic(&co.r);
    if (pk.nvars != co.r.nwires || pk.npublic != npub)
        errx(VR_EXIT_DATA, "%s: a key for %u wires and %u public signals, "
            "the circuit has %u and %u", p, pk.nvars, pk.npublic,
            co.r.nwires, npub);
    // the dataset, in the model's normalisation
    vr_cli_reader_open(&dr, &dfp, in, "dataset");
    if ((rc = vr_dataset_read(&d, &dr)) != VR_OK)
        vr_cli_fail(rc, in, &dr);
    if (vr_circuit_renormalise(&d, &cf) != VR_OK)
        errx(VR_EXIT_DATA, "%s: windows of %dx%d, the model takes %dx%d",
            vr_cli_name(in), d.T, d.C, cf.T, cf.C);
    size_t *sel = vr_mallocarray(d.nsamples ? d.nsamples : 1, sizeof(size_t));
    size_t nsel = 0;
    if (sel == NULL)
        errx(VR_EXIT_SYS, "out of memory");
    for (size_t s = 0; s < d.nsamples; s++)
        if ((split < 0 || d.split[s] == split)
            && (maxn < 0 || nsel < (size_t)maxn))
            sel[nsel++] = s;

    // prove, batch by batch, writing in order
    vr_writer_init(&w, stdout);
    if ((rc = vr_g16_proofs_header(&w, npub, vr_meta_get(dr.header,
        "provenance"), vr_cli_cmdline())) != VR_OK)
        err(VR_EXIT_SYS, "stdout");
    vr_progress_init(&prog, qflag);
    size_t batch = (size_t)jobs * 4, done = 0, refused = 0;
    struct job j;
    memset(&j, 0, sizeof(j));
    j.cf = &cf;
    j.r = &co.r;
    j.pk = &pk;
    j.d = &d;
    j.threads = threads;
    j.npub = npub;
    j.pi = vr_callocarray(batch, sizeof(*j.pi));
    j.pub = vr_callocarray(batch * npub, sizeof(vr_fr));
    j.st = vr_callocarray(batch, sizeof(int));
    j.bad = vr_callocarray(batch, sizeof(size_t));
    pthread_t *tid = vr_callocarray((size_t)jobs, sizeof(pthread_t));
    if (!j.pi || !j.pub || !j.st || !j.bad || !tid)
        errx(VR_EXIT_SYS, "out of memory");
    for (size_t b0 = 0; b0 < nsel; b0 += batch) {
        j.idx = sel + b0;
        j.n = nsel - b0 < batch ? nsel - b0 : batch;
        atomic_store(&j.next, 0);
        int nt = (size_t)jobs < j.n ? jobs : (int)j.n;
        for (int t = 1; t < nt; t++)
            if (pthread_create(&tid[t], NULL, worker, &j) != 0)
                err(VR_EXIT_SYS, "pthread_create");
        worker(&j);
        for (int t = 1; t < nt; t++)
            pthread_join(tid[t], NULL);
        for (size_t k = 0; k < j.n; k++) {
            size_t s = j.idx[k];
            if (j.st[k] == VR_ERANGE) {
                warnx("%s: sample %zu: a value leaves its range (lib/quant "
                    "refuses it, or the circuit's seen ranges do); not "
                    "proved", vr_cli_name(in), s);
                refused++;
                continue;
            }
            if (j.st[k] == VR_EREJECT)
                errx(VR_EXIT_DATA, "sample %zu: the witness fails constraint "
                    "%zu of the R1CS", s, j.bad[k]);
            if (j.st[k] != VR_OK)
                errx(vr_exit_code(j.st[k]), "sample %zu: %s", s,
                    vr_strerror(j.st[k]));
            if ((rc = vr_g16_proofs_put(&w, &j.pi[k], &j.pub[k * npub], npub,
                1)) != VR_OK)
                err(VR_EXIT_SYS, "stdout");
            done++;
        }
        double el = vr_progress_elapsed(&prog);
        vr_progress_live(&prog, "proved %zu/%zu  %.2f s/proof  %.1f s", done,
            nsel, done ? el / (double)done : 0.0, el);
    }
    if ((rc = vr_writer_end(&w)) != VR_OK)
        err(VR_EXIT_SYS, "stdout");
    vr_progress_line(&prog, "%zu proofs in %.2f s (%.3f s a proof, %d jobs "
        "x %d threads)%s", done, vr_progress_elapsed(&prog),
        done ? vr_progress_elapsed(&prog) / (double)done : 0.0, jobs, threads,
        refused ? ", some samples refused" : "");
    vr_cli_close_output();
    vr_memzero_explicit(j.pub, batch * npub * sizeof(vr_fr));
    free(j.pi);
    free(j.pub);
    free(j.st);
    free(j.bad);
    free(tid);
    free(sel);
    vr_dataset_free(&d);
    vr_g16_pk_free(&pk);
    vr_circuit_out_free(&co);
    vr_circuit_file_free(&cf);
    vr_reader_free(&cr);
    vr_reader_free(&kr);
    vr_reader_free(&dr);
    return VR_EXIT_OK;
}
