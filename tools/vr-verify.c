/*
 * vr-verify: check Groth16 proofs of signals against a verifying key.
 * One line per proof on stdout and a summary; exit 0 only if every proof
 * is valid, 1 if any is rejected.  With the circuit and a dataset it also
 * checks that each proof's input is the dataset's window at the proof's
 * time; it can write the calldata of each proof for the Solidity
 * verifier.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vr.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "circuit/circuit.h"
#include "circuit/cstream.h"
#include "snark/g16stream.h"
#include "snark/groth16.h"
#include "snark/solidity.h"
#include "stream/dataset.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-verify [-q] [-c circuit] [-d dataset] "
        "[-e calldata] [-j prefix]\n"
        "                 -k dir | -v vk [file ...]\n");
    exit(VR_EXIT_USAGE);
}

static struct vr_circuit_file cf;
static bool have_circuit;
static vr_fr commit;            /* hashed weights: the circuit's model's */
static struct vr_dataset d;
static bool have_data;
static int64_t *X;

/* The dataset's sample whose window ends at time t, or -1. */
static long
sample_at(int64_t t)
{
    size_t lo = 0, hi = d.nsamples;

    // windows end at increasing rows: binary search on their time
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t tm = d.time[d.end[mid]];
        if (tm == t)
            return (long)mid;
        if (tm < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t s = 0; s < d.nsamples; s++)     /* unsorted data */
        if (d.time[d.end[s]] == t)
            return (long)s;
    return -1;
}

/* Does the proof's input signal match the dataset?  NULL or why not. */
static const char *
check_input(const vr_fr *pub, int64_t t)
{
    const struct vr_circuit *c = &cf.c;
    vr_fr h, v;
    long s = sample_at(t);

    if (s < 0)
        return "no window of the dataset ends at its time";
    if (vr_qmlp_quantize_input(&cf.m, X, vr_dataset_window_ptr(&d,
        (size_t)s)) != VR_OK)
        return "the dataset's window cannot be quantised";
    if (c->invis == VR_IN_HASHED) {
        if (vr_circuit_input_hash(&h, &cf.m, X) != VR_OK)
            return "the dataset's window leaves the input clamp";
        if (!vr_fr_eq(&h, &pub[c->w_input - 1]))
            return "input hash differs from the dataset's window";
    } else if (c->invis == VR_IN_PUBLIC) {
        for (int i = 0; i < cf.m.lay[0].C; i++) {
            vr_fr_from_i64(&v, X[i]);
            if (!vr_fr_eq(&v, &pub[c->w_x - 1 + (uint32_t)i]))
                return "public input differs from the dataset's window";
        }
    }
    return NULL;
}

static int64_t
fr_small(const vr_fr *a, bool *ok)
{
    uint64_t l[4];

    vr_fr_to_canonical(l, a);
    *ok = l[1] == 0 && l[2] == 0 && l[3] == 0 && l[0] <= INT64_MAX;
    return (int64_t)l[0];
}

/* prefix.N.proof.json and prefix.N.public.json, as snarkjs writes them. */
static void
write_json(const char *prefix, size_t n, const struct vr_g16_proof *pi,
    const vr_fr *pub, uint32_t npub)
{
    struct vr_afile a;
    char p[4096];

    snprintf(p, sizeof(p), "%s.%zu.proof.json", prefix, n);
    vr_cli_afile_open(&a, p);
    if (vr_g16_proof_json_write(a.f, pi) != VR_OK)
        err(VR_EXIT_SYS, "%s", p);
    vr_cli_afile_commit(&a);
    snprintf(p, sizeof(p), "%s.%zu.public.json", prefix, n);
    vr_cli_afile_open(&a, p);
    if (vr_g16_public_json_write(a.f, pub, npub) != VR_OK)
        err(VR_EXIT_SYS, "%s", p);
    vr_cli_afile_commit(&a);
}

int
main(int argc, char **argv)
{
    const char *cpath = NULL, *dpath = NULL, *epath = NULL, *dir = NULL,
        *vkpath = NULL, *jprefix = NULL;
    bool qflag = false;
    int ch, rc;
    struct vr_reader kr;
    FILE *kfp;
    struct vr_g16_vk vk;
    struct vr_g16_pvk pvk;
    struct vr_afile ef;
    char p[4096];
    size_t nproof = 0, nvalid = 0;

    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "c:d:e:j:k:qv:")) != -1) {
        switch (ch) {
        case 'c':
            cpath = optarg;
            break;
        case 'd':
            dpath = optarg;
            break;
        case 'e':
            epath = optarg;
            break;
        case 'j':
            jprefix = optarg;
            break;
        case 'k':
            dir = optarg;
            break;
        case 'q':
            qflag = true;
            break;
        case 'v':
            vkpath = optarg;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if ((dir == NULL) == (vkpath == NULL))
        usage();
    if (dpath != NULL && cpath == NULL)
        errx(VR_EXIT_USAGE, "-d needs -c circuit");
    if (dir != NULL) {
        snprintf(p, sizeof(p), "%s/vk.vr", dir);
        vkpath = p;
    }
    vr_cli_reader_open(&kr, &kfp, vkpath, "vk");
    if ((rc = vr_g16_vk_read(&vk, &kr)) != VR_OK)
        vr_cli_fail(rc, vkpath, &kr);
    if ((rc = vr_g16_prepare(&pvk, &vk)) != VR_OK)
        errx(VR_EXIT_DATA, "%s: invalid verifying key", vkpath);
    if (cpath != NULL) {
        struct vr_reader cr;
        FILE *cfp;
        vr_cli_reader_open(&cr, &cfp, cpath, VR_CIRCUIT_KIND);
        if ((rc = vr_circuit_stream_read(&cf, &cr)) != VR_OK)
            vr_cli_fail(rc, cpath, &cr);
        vr_reader_free(&cr);
        if (cf.c.npub_out + cf.c.npub_in != vk.npublic)
            errx(VR_EXIT_DATA, "%s: %u public signals, the key has %u",
                cpath, cf.c.npub_out + cf.c.npub_in, vk.npublic);
        if (cf.c.wvis == VR_W_HASHED
            && vr_circuit_commit(&commit, &cf.m) != VR_OK)
            errx(VR_EXIT_DATA, "%s: cannot commit to its model", cpath);
        have_circuit = true;
    }
    if (dpath != NULL) {
        struct vr_reader dr;
        FILE *dfp;
        vr_cli_reader_open(&dr, &dfp, dpath, "dataset");
        if ((rc = vr_dataset_read(&d, &dr)) != VR_OK)
            vr_cli_fail(rc, dpath, &dr);
        vr_reader_free(&dr);
        if (vr_circuit_renormalise(&d, &cf) != VR_OK)
            errx(VR_EXIT_DATA, "%s: windows of %dx%d, the model takes %dx%d",
                dpath, d.T, d.C, cf.T, cf.C);
        if ((X = vr_mallocarray((size_t)cf.m.lay[0].C, sizeof(int64_t)))
            == NULL)
            errx(VR_EXIT_SYS, "out of memory");
        have_data = true;
    }
    if (epath != NULL)
        vr_cli_afile_open(&ef, epath);

    int nfiles = argc ? argc : 1;
    for (int fi = 0; fi < nfiles; fi++) {
        const char *in = argc ? argv[fi] : "-";
        struct vr_reader r;
        FILE *f;
        uint32_t npub;

        vr_cli_reader_open(&r, &f, in, "proofs");
        do {
            if ((rc = vr_g16_proofs_npublic(&r, &npub)) != VR_OK)
                vr_cli_fail(rc, in, &r);
            if (npub != vk.npublic)
                errx(VR_EXIT_DATA, "%s: proofs with %u public signals, the "
                    "key has %u", vr_cli_name(in), npub, vk.npublic);
            struct vr_g16_proof *pi;
            vr_fr *pub;
            size_t n;
            while ((rc = vr_g16_proofs_next(&r, npub, &pi, &pub, &n)) == 1) {
                for (size_t k = 0; k < n; k++) {
                    const vr_fr *pk = &pub[k * npub];
                    bool ok1, ok2;
                    int64_t cls = fr_small(&pk[0], &ok1);
                    int64_t t = fr_small(&pk[npub - 1], &ok2);
                    const char *why = NULL;
                    nproof++;
                    rc = vr_g16_verify(&pvk, &pi[k], pk, npub);
                    if (rc == VR_EREJECT)
                        why = "the proof does not verify";
                    else if (rc != VR_OK)
                        errx(vr_exit_code(rc), "%s: proof %zu: %s",
                            vr_cli_name(in), nproof, vr_strerror(rc));
                    else if (!ok1 || cls >= VR_NCLASS)
                        why = "class out of range";
                    else if (have_circuit && cf.c.wvis == VR_W_HASHED
                        && !vr_fr_eq(&pk[cf.c.w_model - 1], &commit))
                        why = "model commitment differs from the circuit's "
                            "model";
                    else if (have_data && have_circuit && ok2)
                        why = check_input(pk, t);
                    char ts[32] = "?";
                    if (ok2) {
                        time_t tt = (time_t)(t / 1000);
                        struct tm tm;
                        gmtime_r(&tt, &tm);
                        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%MZ", &tm);
                    }
                    if (why == NULL)
                        nvalid++;
                    if (!qflag || why != NULL)
                        printf("proof %zu: %s class %s time %s%s%s\n", nproof,
                            why ? "REJECTED" : "valid",
                            ok1 && cls < VR_NCLASS ? vr_class_names[cls]
                            : "?", ts, why ? ": " : "", why ? why : "");
                    if (jprefix != NULL)
                        write_json(jprefix, nproof, &pi[k], pk, npub);
                    if (epath != NULL) {
                        if (vr_solidity_calldata(ef.f, &pi[k], pk, npub)
                            != VR_OK || fputc('\n', ef.f) == EOF)
                            err(VR_EXIT_SYS, "%s", epath);
                    }
                }
                free(pi);
                free(pub);
            }
            if (rc < 0)
                vr_cli_fail(rc, in, &r);
        } while ((rc = vr_reader_continue(&r)) == 1);
        if (rc < 0)
            vr_cli_fail(rc, in, &r);
        vr_reader_free(&r);
        if (f != stdin)
            fclose(f);
    }
    if (epath != NULL)
        vr_cli_afile_commit(&ef);
    printf("%zu proofs: %zu valid, %zu rejected\n", nproof, nvalid,
        nproof - nvalid);
    vr_cli_close_output();
    vr_g16_pvk_free(&pvk);
    vr_g16_vk_free(&vk);
    vr_reader_free(&kr);
    if (have_circuit)
        vr_circuit_file_free(&cf);
    if (have_data)
        vr_dataset_free(&d);
    free(X);
    return nvalid == nproof ? VR_EXIT_OK : VR_EXIT_REJECT;
}
