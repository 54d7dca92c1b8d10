/*
 * vr-circuit: compile a quantised model (vr-quant's qmodel stream) into
 * an R1CS that proves its integer inference, report what it costs, and
 * (with -k) run the Groth16 setup: proving and verifying keys, the
 * Solidity verifier, and on request the snarkjs files.  The circuit is
 * lib/circuit/circuit.h; its stream, written to stdout, is what vr-prove
 * and vr-verify read.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vr.h"
#include "cli/cli.h"
#include "circuit/circuit.h"
#include "circuit/cstream.h"
#include "quant/qmodel.h"
#include "snark/g16stream.h"
#include "snark/groth16.h"
#include "snark/r1cs.h"
#include "snark/solidity.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-circuit [-fqx] [-c csv] [-i input] [-k dir] "
        "[-r ranges] [-t threads]\n"
        "                  [-w weights] [file]\n");
    exit(VR_EXIT_USAGE);
}

static const char *const act_names[] = {"none", "relu", "poly"};

static void
stage_name(char *buf, size_t n, const struct vr_qmlp *m, int s)
{
    if (s == 0)
        snprintf(buf, n, "input");
    else if (s == m->L + 1)
        snprintf(buf, n, "output");
    else {
        const struct vr_qlayer *q = &m->lay[s - 1];
        if (q->act == VR_QACT_POLY)
            snprintf(buf, n, "layer%d %d-%d poly%d", s - 1, q->C, q->OC,
                vr_circuit_degree(q));
        else
            snprintf(buf, n, "layer%d %d-%d %s", s - 1, q->C, q->OC,
                act_names[q->act]);
    }
}

static void
report(FILE *f, const struct vr_circuit *c, const struct vr_circuit_cost *k,
    bool csv)
{
    const struct vr_qmlp *m = c->m;
    char name[64];
    uint64_t tot[VR_CG_COUNT] = {0};

    if (csv)
        fprintf(f, "stage,matmul,activation,rescale,range,hash,argmax,"
            "constraints,wires,ubits,abits\n");
    else
        fprintf(f, "%-22s %8s %10s %8s %8s %8s %7s %11s %9s\n", "stage",
            "matmul", "activation", "rescale", "range", "hash", "argmax",
            "constraints", "wires");
    for (int s = 0; s < k->nstage; s++) {
        uint64_t sum = 0;
        stage_name(name, sizeof(name), m, s);
        for (int g = 0; g < VR_CG_COUNT; g++) {
            sum += k->cons[s][g];
            tot[g] += k->cons[s][g];
        }
        int ub = s >= 1 && s <= m->L ? c->ubits[s - 1] : 0;
        int ab = s >= 1 && s <= m->L ? c->abits[s - 1] : 0;
        if (csv) {
            fprintf(f, "%s", name);
            for (int g = 0; g < VR_CG_COUNT; g++)
                fprintf(f, ",%llu", (unsigned long long)k->cons[s][g]);
            fprintf(f, ",%llu,%llu,%d,%d\n", (unsigned long long)sum,
                (unsigned long long)k->wires[s], ub, ab);
        } else {
            fprintf(f, "%-22s", name);
            int wd[VR_CG_COUNT] = {8, 10, 8, 8, 8, 7};
            for (int g = 0; g < VR_CG_COUNT; g++)
                fprintf(f, " %*llu", wd[g], (unsigned long long)k->cons[s][g]);
            fprintf(f, " %11llu %9llu\n", (unsigned long long)sum,
                (unsigned long long)k->wires[s]);
        }
    }
    if (csv) {
        fprintf(f, "total");
        for (int g = 0; g < VR_CG_COUNT; g++)
            fprintf(f, ",%llu", (unsigned long long)tot[g]);
        fprintf(f, ",%llu,%llu,,\n", (unsigned long long)k->ncons,
            (unsigned long long)k->nwires);
    } else {
        fprintf(f, "%-22s", "total");
        int wd[VR_CG_COUNT] = {8, 10, 8, 8, 8, 7};
        for (int g = 0; g < VR_CG_COUNT; g++)
            fprintf(f, " %*llu", wd[g], (unsigned long long)tot[g]);
        fprintf(f, " %11llu %9llu\n", (unsigned long long)k->ncons,
            (unsigned long long)k->nwires);
        fprintf(f, "public signals %u (", k->npublic);
        for (uint32_t i = 0; i < k->npublic && i < 4; i++) {
            vr_circuit_public_name(name, sizeof(name), c, i);
            fprintf(f, "%s%s", i ? ", " : "", name);
        }
        fprintf(f, "%s), input %s, weights %s, ranges ", k->npublic > 4
            ? ", ..." : "", vr_invis_names[c->invis], vr_wvis_names[c->wvis]);
        if (c->margin < 0)
            fprintf(f, "worst case\n");
        else
            fprintf(f, "seen + %d bits\n", c->margin);
    }
}

/* dir/name into buf. */
static const char *
path(char *buf, size_t n, const char *dir, const char *name)
{
    if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n)
        errx(VR_EXIT_USAGE, "%s: path too long", dir);
    return buf;
}

static void
check_write(int rc, const char *p)
{
    if (rc != VR_OK) {
        if (rc == VR_EIO)
            err(VR_EXIT_SYS, "%s", p);
        errx(vr_exit_code(rc), "%s: %s", p, vr_strerror(rc));
    }
}

int
main(int argc, char **argv)
{
    const char *in, *csv = NULL, *dir = NULL;
    bool fflag = false, qflag = false, xflag = false;
    int invis = VR_IN_HASHED, wvis = VR_W_FIXED, threads = 2, ch, rc;
    int margin = -1;
    unsigned char *buf;
    size_t len;
    struct vr_reader qr;
    struct vr_circuit_file cf;
    struct vr_circuit_out co;
    char why[200], p[4096];
    FILE *f, *qf;

    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "c:fi:k:qr:t:w:x")) != -1) {
        switch (ch) {
        case 'c':
            csv = optarg;
            break;
        case 'f':
            fflag = true;
            break;
        case 'i':
            if (vr_invis_parse(&invis, optarg) != VR_OK)
                errx(VR_EXIT_USAGE, "-i: hashed, public or private, not "
                    "\"%s\"", optarg);
            break;
        case 'k':
            dir = optarg;
            break;
        case 'q':
            qflag = true;
            break;
        case 'r':
            if (strcmp(optarg, "worst") == 0)
                margin = -1;
            else if (strncmp(optarg, "seen:", 5) == 0)
                margin = (int)vr_cli_long(ch, optarg + 5, 0, 62);
            else
                errx(VR_EXIT_USAGE, "-r: worst or seen:margin, not \"%s\"",
                    optarg);
            break;
        case 't':
            threads = (int)vr_cli_long(ch, optarg, 1, 256);
            break;
        case 'w':
            if (vr_wvis_parse(&wvis, optarg) != VR_OK)
                errx(VR_EXIT_USAGE, "-w: fixed or hashed, not \"%s\"",
                    optarg);
            break;
        case 'x':
            xflag = true;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1)
        usage();
    if (xflag && dir == NULL)
        errx(VR_EXIT_USAGE, "-x needs -k dir");
    in = argc == 1 ? argv[0] : "-";
    vr_cli_refuse_tty(fflag);

    // the qmodel, kept byte for byte for the circuit stream
    f = vr_cli_fopen(in);
    if ((rc = vr_snark_read_all(&buf, &len, f)) != VR_OK)
        vr_cli_fail(rc, in, NULL);
    if (f != stdin)
        fclose(f);
    memset(&cf, 0, sizeof(cf));
    if ((qf = fmemopen(buf, len ? len : 1, "rb")) == NULL)
        err(VR_EXIT_SYS, "fmemopen");
    if (len == 0)
        errx(VR_EXIT_DATA, "%s: empty input", vr_cli_name(in));
    if ((rc = vr_reader_open(&qr, qf, VR_QMODEL_KIND)) != VR_OK
        || (rc = vr_circuit_contract(&cf, &qr)) != VR_OK
        || (rc = vr_qmodel_read(&cf.m, &qr)) != VR_OK)
        vr_cli_fail(rc, in, &qr);
    if (cf.T * cf.C != cf.m.lay[0].C)
        errx(VR_EXIT_DATA, "%s: T*C = %d but the first layer has %d inputs",
            vr_cli_name(in), cf.T * cf.C, cf.m.lay[0].C);
    if ((rc = vr_circuit_plan(&cf.c, &cf.m, invis, wvis, margin, why,
        sizeof(why)))
        != VR_OK)
        errx(VR_EXIT_DATA, "%s: cannot compile: %s", vr_cli_name(in), why);

    // the R1CS and its cost
    double t0 = vr_now();
    if ((rc = vr_circuit_build(&co, &cf.c, NULL, 0, VR_CIRCUIT_R1CS))
        != VR_OK)
        errx(vr_exit_code(rc), "compiling: %s", vr_strerror(rc));
    double tc = vr_now() - t0;
    if ((rc = vr_circuit_r1cs_keccak(cf.r1cs_keccak, &co.r)) != VR_OK)
        errx(vr_exit_code(rc), "hashing the R1CS: %s", vr_strerror(rc));
    if (!qflag) {
        report(stderr, &cf.c, &co.cost, false);
        fprintf(stderr, "compiled in %.2f s\n", tc);
    }
    if (csv != NULL) {
        struct vr_afile a;
        vr_cli_afile_open(&a, csv);
        report(a.f, &cf.c, &co.cost, true);
        vr_cli_afile_commit(&a);
    }

    // setup: keys, verifier, snarkjs files
    if (dir != NULL) {
        struct vr_g16_pk pk;
        struct vr_g16_vk vk;
        struct vr_writer w;
        struct vr_afile a;
        const msgpack_object *prov = vr_meta_get(qr.header, "provenance");

        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            err(VR_EXIT_SYS, "%s", dir);
        t0 = vr_now();
        if ((rc = vr_g16_setup(&pk, &vk, &co.r, threads)) != VR_OK)
            errx(vr_exit_code(rc), "setup: %s", vr_strerror(rc));
        if (!qflag)
            fprintf(stderr, "setup in %.2f s (domain 2^%d)\n",
                vr_now() - t0, pk.log2n);
        vr_cli_afile_open(&a, path(p, sizeof(p), dir, "pk.vr"));
        vr_writer_init(&w, a.f);
        check_write(vr_g16_pk_write(&w, &pk, prov, vr_cli_cmdline()), a.path);
        vr_cli_afile_commit(&a);
        vr_cli_afile_open(&a, path(p, sizeof(p), dir, "vk.vr"));
        vr_writer_init(&w, a.f);
        check_write(vr_g16_vk_write(&w, &vk, prov, vr_cli_cmdline()), a.path);
        vr_cli_afile_commit(&a);
        vr_cli_afile_open(&a, path(p, sizeof(p), dir, "verifier.sol"));
        check_write(vr_solidity_write(a.f, &vk), a.path);
        vr_cli_afile_commit(&a);
        if (xflag) {
            vr_cli_afile_open(&a, path(p, sizeof(p), dir, "circuit.zkey"));
            check_write(vr_zkey_write(a.f, &pk), a.path);
            vr_cli_afile_commit(&a);
            vr_cli_afile_open(&a, path(p, sizeof(p), dir,
                "verification_key.json"));
            check_write(vr_g16_vk_json_write(a.f, &vk), a.path);
            vr_cli_afile_commit(&a);
            vr_cli_afile_open(&a, path(p, sizeof(p), dir, "circuit.r1cs"));
            check_write(vr_r1cs_write(a.f, &co.r), a.path);
            vr_cli_afile_commit(&a);
        }
        vr_g16_pk_free(&pk);
        vr_g16_vk_free(&vk);
    }

    // the circuit stream
    {
        struct vr_writer w;
        const msgpack_object *prov = vr_meta_get(qr.header, "provenance");
        vr_writer_init(&w, stdout);
        if ((rc = vr_circuit_stream_write(&w, buf, len, &cf, &co.cost, prov,
            vr_cli_cmdline())) != VR_OK) {
            if (rc == VR_EIO)
                err(VR_EXIT_SYS, "stdout");
            errx(vr_exit_code(rc), "stdout: %s", vr_strerror(rc));
        }
    }
    vr_cli_close_output();
    vr_circuit_out_free(&co);
    vr_reader_free(&qr);
    fclose(qf);
    vr_circuit_file_free(&cf);
    free(buf);
    return VR_EXIT_OK;
}
