/* The writer thread: every write the server makes (uploads, structure submissions) runs here,
 * one at a time, in the order submitted (LMDB has one writer anyway), while the event loops go
 * on serving. A job is handed over with the request's body, which h2o owns: the writer first
 * copies it, so that a request that goes away (its client closed, the server stops) waits at
 * most for that copy, never for the write; its job then runs to an end that nobody is told. */
#include <config.h>
#include "server/srv_int.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Jobs waiting at once; past it an upload is answered 503 (each holds a spooled body,
 * bounded by --max-spool too). */
#define WRITER_QUEUE_MAX 64
/* Writes yield the processors to readers: the writer (and the relay's reader thread, which
 * inherits it) runs at this nice value. */
#define WRITER_NICE 10

enum job_state { JOB_QUEUED, JOB_COPYING, JOB_RUNNING, JOB_FINISHED };

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;   /* a job was queued, or the writer is to stop */
    pthread_cond_t copied; /* a job's body copy ended */
    h2o_linklist_t queue;
    size_t queued;
    int started, stopping;
    pthread_t thread;
} W = {.mu = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .copied = PTHREAD_COND_INITIALIZER};

static void
lock(void)
{
    pthread_mutex_lock(&W.mu);
}

static void
unlock(void)
{
    pthread_mutex_unlock(&W.mu);
}

/* The job's own copy of the body, in pages of its own that can be dropped behind the reader. */
static int
copy_body(srv_job_t *j)
{
    j->own = (core_str_t){"", 0};
    if (j->body.len == 0)
        return 0;
    void *p = mmap(NULL, j->body.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    memcpy(p, j->body.ptr, j->body.len);
    j->own = (core_str_t){p, j->body.len};
    j->pages = (srv_read_pages_t){p, j->body.len, 0};
    return 0;
}

static void
free_body(srv_job_t *j)
{
    if (j->own.len > 0)
        munmap((void *)j->own.ptr, j->own.len);
    j->own = (core_str_t){"", 0};
}

static void
finish(srv_job_t *j)
{
    lock();
    j->state = JOB_FINISHED;
    unlock();
    h2o_multithread_send_message(j->reply_to, &j->msg);
}

/* j was taken from the queue in state JOB_COPYING (under the lock, so that a cancel never
 * looks for it in the queue after it has left). */
static void
run_one(srv_job_t *j)
{
    int failed = copy_body(j);
    lock();
    j->body = CORE_STR_NULL; /* h2o's, and no longer read */
    j->state = JOB_RUNNING;
    int cancelled = j->cancelled;
    pthread_cond_broadcast(&W.copied);
    unlock();
    /* a request gone before its write began is not written: nobody would learn the outcome;
     * one that goes while it runs is written to its end (or refused) all the same */
    if (failed)
        j->copy_failed = 1;
    else if (!cancelled)
        j->run(j);
    free_body(j);
    finish(j);
}

static void *
writer_main(void *arg)
{
    (void)arg;
    /* per thread on Linux: the loops keep their priority */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITER_NICE);
    lock();
    for (;;) {
        while (h2o_linklist_is_empty(&W.queue) && !W.stopping)
            pthread_cond_wait(&W.wake, &W.mu);
        if (W.stopping)
            break;
        srv_job_t *j = H2O_STRUCT_FROM_MEMBER(srv_job_t, link, W.queue.next);
        h2o_linklist_unlink(&j->link);
        W.queued--;
        j->state = JOB_COPYING;
        unlock();
        run_one(j);
        lock();
    }
    unlock();
    return NULL;
}

core_rc
srv__writer_start(core_err_t *err)
{
    h2o_linklist_init_anchor(&W.queue);
    if (pthread_create(&W.thread, NULL, writer_main, NULL) != 0)
        return core_fail(err, CORE_EIO, "cannot start the writer thread");
    W.started = 1;
    return CORE_OK;
}

void
srv__writer_stop(void)
{
    if (!W.started)
        return;
    lock();
    W.stopping = 1;
    pthread_cond_signal(&W.wake);
    unlock();
    /* the job running ends (committed or not) before the process does; queued ones were never
     * begun, and their clients see the connection close */
    pthread_join(W.thread, NULL);
    W.started = 0;
}

core_rc
srv__job_submit(srv_job_t *j, core_err_t *err)
{
    j->state = JOB_QUEUED;
    j->cancelled = 0;
    lock();
    if (W.queued >= WRITER_QUEUE_MAX || W.stopping) {
        unlock();
        return core_fail(err, CORE_EUNAVAIL,
                         "%d writes are waiting for the writer already; retry later",
                         WRITER_QUEUE_MAX);
    }
    h2o_linklist_insert(&W.queue, &j->link);
    W.queued++;
    pthread_cond_signal(&W.wake);
    unlock();
    return CORE_OK;
}

int
srv__job_cancel(srv_job_t *j)
{
    lock();
    j->cancelled = 1;
    if (j->state == JOB_QUEUED) {
        h2o_linklist_unlink(&j->link);
        W.queued--;
        unlock();
        return 1;
    }
    while (j->state == JOB_COPYING)
        pthread_cond_wait(&W.copied, &W.mu);
    unlock();
    return 0;
}

static int
job_cancelled(srv_job_t *j)
{
    lock();
    int c = j->cancelled;
    unlock();
    return c;
}

static void
on_jobs_done(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
    (void)rx;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *m =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&m->link);
        srv_job_t *j = H2O_STRUCT_FROM_MEMBER(srv_job_t, msg, m);
        if (!job_cancelled(j))
            j->done(j);
        j->release(j);
    }
}

void
srv__writer_receiver_init(h2o_multithread_queue_t *q, h2o_multithread_receiver_t *rx)
{
    h2o_multithread_register_receiver(q, rx, on_jobs_done);
}
