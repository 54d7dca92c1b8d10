/* par.c: a fork-join team of pthreads with a reusable barrier. */
#include <pthread.h>
#include <unistd.h>

#include "base/par.h"

struct team {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int n;              /* threads in the team */
    int waiting;        /* arrived at the current barrier */
    unsigned gen;       /* barrier generation */
    int go;             /* 1: run fn, -1: creation failed, exit */
    vr_par_fn *fn;
    void *arg;
};

struct member {
    struct team *t;
    int tid;
    pthread_t th;
};

static _Thread_local struct team *cur_team;

void
vr_par_barrier(void)
{
    struct team *t = cur_team;
    unsigned gen;

    if (t == NULL || t->n == 1)
        return;
    pthread_mutex_lock(&t->mu);
    gen = t->gen;
    if (++t->waiting == t->n) {
        t->waiting = 0;
        t->gen++;
        pthread_cond_broadcast(&t->cv);
    } else {
        while (gen == t->gen)
            pthread_cond_wait(&t->cv, &t->mu);
    }
    pthread_mutex_unlock(&t->mu);
}

static void *
member_main(void *p)
{
    struct member *m = p;
    struct team *t = m->t;
    int go;

    // Wait for the verdict: did every thread of the team get created?
    pthread_mutex_lock(&t->mu);
    while (t->go == 0)
        pthread_cond_wait(&t->cv, &t->mu);
    go = t->go;
    pthread_mutex_unlock(&t->mu);
    if (go > 0) {
        cur_team = t;
        t->fn(t->arg, m->tid, t->n);
        cur_team = NULL;
    }
    return NULL;
}

int
vr_par_run(vr_par_fn *fn, void *arg, int nthreads)
{
    struct team t;
    struct member m[VR_PAR_MAX];
    int made = 1;

    if (nthreads > VR_PAR_MAX)
        nthreads = VR_PAR_MAX;
    if (nthreads <= 1) {
        fn(arg, 0, 1);
        return 1;
    }
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cv, NULL);
    t.n = nthreads;
    t.waiting = 0;
    t.gen = 0;
    t.go = 0;
    t.fn = fn;
    t.arg = arg;
    for (; made < nthreads; made++) {
        m[made].t = &t;
        m[made].tid = made;
        if (pthread_create(&m[made].th, NULL, member_main, &m[made]) != 0)
            break;
    }
    pthread_mutex_lock(&t.mu);
    t.go = made == nthreads ? 1 : -1;
    pthread_cond_broadcast(&t.cv);
    pthread_mutex_unlock(&t.mu);
    if (made == nthreads) {
        cur_team = &t;
        fn(arg, 0, nthreads);
        cur_team = NULL;
    }
    for (int i = 1; i < made; i++)
        pthread_join(m[i].th, NULL);
    pthread_cond_destroy(&t.cv);
    pthread_mutex_destroy(&t.mu);
    if (made != nthreads) {
        fn(arg, 0, 1);
        return 1;
    }
    return nthreads;
}

void
vr_par_range(size_t *lo, size_t *hi, size_t n, int tid, int nthreads)
{
    size_t q = n / (size_t)nthreads, r = n % (size_t)nthreads;
    size_t t = (size_t)tid;

    *lo = t * q + (t < r ? t : r);
    *hi = *lo + q + (t < r);
}

int
vr_par_ncpu(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        return 1;
    return n > VR_PAR_MAX ? VR_PAR_MAX : (int)n;
}
